using RepLens.Abstractions.IO;
using RepLens.Imaging;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Reads precomputed saliency maps (the <c>saliency-maps</c> target's files): a PNG (decoded by
/// <see cref="ImageDecoder"/>; grayscale as is, colour converted to luminance; values scaled to [0, 1];
/// alpha ignored) or a 2-D float32/float64 <c>.npy</c> (Height × Width).
/// </summary>
public static class SaliencyMapFile
{
    /// <summary>
    /// Reads a map: a <c>.png</c> (gray values / 255; a colour PNG as luminance
    /// Y = 0.299 R + 0.587 G + 0.114 B, ITU-R BT.601 as PIL's <c>convert("L")</c>) or a <c>.npy</c>.
    /// </summary>
    /// <param name="path">A <c>.png</c> or <c>.npy</c> file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, undecodable, or an <c>.npy</c> that is not a 2-D array of finite floats.</exception>
    /// <exception cref="NotSupportedException">Another file type.</exception>
    public static SaliencyMap Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var ext = Path.GetExtension(path);
        if (ext.Equals(".npy", StringComparison.OrdinalIgnoreCase)) return ReadNpy(path);
        if (!ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"'{path}': precomputed saliency maps must be .png or .npy files.");
        var image = ImageDecoder.Decode(path);
        var rgb = image.Pixels;
        var data = new float[image.Width * image.Height];
        for (int i = 0; i < data.Length; i++)
        {
            byte r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
            data[i] = r == g && g == b ? r / 255f : (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
        }
        return new SaliencyMap(image.Width, image.Height, data);
    }

    private static SaliencyMap ReadNpy(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Map file '{path}' does not exist.", path);
        if (new FileInfo(path).Length == 0) throw new InvalidDataException($"Map file '{path}' is empty (0 bytes).");
        NpyArray<float> array;
        try
        {
            array = Npy.ReadFloat32(path);
        }
        catch (NpyFormatException e)
        {
            throw new InvalidDataException($"Map file '{path}' is not a readable .npy array: {e.Problem}", e);
        }
        if (array.Rank != 2)
            throw new InvalidDataException(
                $"Map file '{path}' holds an array of shape ({string.Join(", ", array.Shape)}); a saliency map must be 2-D (height, width).");
        int h = array.Dimension(0), w = array.Dimension(1);
        if (w < 1 || h < 1) throw new InvalidDataException($"Map file '{path}' is an empty {h} × {w} array.");
        for (int i = 0; i < array.Data.Length; i++)
        {
            if (!float.IsFinite(array.Data[i]))
                throw new InvalidDataException($"Map file '{path}' has a non-finite value ({array.Data[i]}) at row {i / w}, column {i % w}.");
        }
        return new SaliencyMap(w, h, array.Data);
    }
}
