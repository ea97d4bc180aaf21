using System.Runtime.InteropServices;
using RepLens.Abstractions.IO;
using SkiaSharp;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Reads images and precomputed maps with SkiaSharp 2.88 (the decoder ML.NET's image loader uses).
/// Pixel values are taken as stored: no colour management and no EXIF rotation (as PIL, torchvision and
/// ML.NET do), so maps align with what the networks see. Grayscale images give R = G = B; palette images
/// their colours; 16-bit PNGs are decoded to 8 bits per channel (the high byte, libpng's strip-16); CMYK and
/// YCCK JPEGs are converted to RGB by Skia's JPEG decoder (Adobe's inverted CMYK convention); transparent
/// images are composited over black (the default, which equals the premultiplied pixels ML.NET hands to
/// the networks) or white.
/// </summary>
public static class SaliencyImageIO
{
    /// <summary>Decodes an image file.</summary>
    /// <param name="path">The image file (PNG, JPEG, WebP, GIF, BMP, ICO, WBMP).</param>
    /// <param name="background">What transparent pixels are composited over.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or not an image SkiaSharp can decode; the message names the file.</exception>
    public static RgbImage Load(string path, AlphaBackground background = AlphaBackground.Black)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(ReadAll(path), path, background);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The bytes of a PNG, JPEG, … file.</param>
    /// <param name="source">What the bytes are (a file name), for error messages.</param>
    /// <param name="background">What transparent pixels are composited over.</param>
    /// <exception cref="InvalidDataException">The bytes are empty or not a decodable image.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string source, AlphaBackground background = AlphaBackground.Black)
    {
        var (rgba, w, h) = DecodeRgba(encoded, source);
        return RgbImage.FromRgba32(rgba, w, h, background);
    }

    /// <summary>An image already decoded by SkiaSharp (any colour type), e.g. one the caller edited in memory.</summary>
    /// <param name="bitmap">The bitmap; premultiplied pixels are un-premultiplied first.</param>
    /// <param name="background">What transparent pixels are composited over.</param>
    public static RgbImage FromBitmap(SKBitmap bitmap, AlphaBackground background = AlphaBackground.Black)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (bitmap.Width < 1 || bitmap.Height < 1)
            throw new ArgumentException($"The bitmap is {bitmap.Width} × {bitmap.Height} pixels; an image needs at least 1 × 1.", nameof(bitmap));
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        using var pixmap = bitmap.PeekPixels()
            ?? throw new ArgumentException("The bitmap's pixels cannot be read (no pixel memory).", nameof(bitmap));
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            if (!pixmap.ReadPixels(info, handle.AddrOfPinnedObject(), info.RowBytes, 0, 0))
                throw new ArgumentException($"SkiaSharp cannot convert a {bitmap.ColorType} bitmap to RGBA.", nameof(bitmap));
        }
        finally
        {
            handle.Free();
        }
        return RgbImage.FromRgba32(rgba, bitmap.Width, bitmap.Height, background);
    }

    /// <summary>The pixel size of an image file, read from its header without decoding the pixels.</summary>
    /// <param name="path">The image file.</param>
    /// <exception cref="InvalidDataException">The file is empty or not a decodable image.</exception>
    public static (int Width, int Height) ReadSize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ReadAll(path);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw NotAnImage(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// Reads a precomputed saliency map: a PNG (grayscale as is; colour converted to luminance
    /// Y = 0.299 R + 0.587 G + 0.114 B, ITU-R BT.601 as PIL's <c>convert("L")</c>; values scaled to [0, 1];
    /// alpha ignored) or a 2-D float32/float64 <c>.npy</c> (Height × Width).
    /// </summary>
    /// <param name="path">A <c>.png</c> or <c>.npy</c> file.</param>
    /// <exception cref="InvalidDataException">The file is empty, undecodable, or an <c>.npy</c> that is not a 2-D float array.</exception>
    /// <exception cref="NotSupportedException">Another file type.</exception>
    public static SaliencyMap LoadMap(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var ext = Path.GetExtension(path);
        if (ext.Equals(".npy", StringComparison.OrdinalIgnoreCase)) return ReadNpyMap(path);
        if (!ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"'{path}': precomputed saliency maps must be .png or .npy files.");
        var bytes = ReadAll(path);
        var (rgba, w, h) = DecodeRgba(bytes, path);
        var data = new float[w * h];
        for (int i = 0; i < data.Length; i++)
        {
            byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            data[i] = r == g && g == b ? r / 255f : (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
        }
        return new SaliencyMap(w, h, data);
    }

    private static SaliencyMap ReadNpyMap(string path)
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

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new InvalidDataException($"Image file '{path}' is empty (0 bytes).");
        return bytes;
    }

    private static (byte[] Rgba, int Width, int Height) DecodeRgba(ReadOnlySpan<byte> encoded, string source)
    {
        if (encoded.IsEmpty) throw new InvalidDataException($"Image '{source}' is empty (0 bytes).");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw NotAnImage(source);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width < 1 || info.Height < 1) throw new InvalidDataException($"Image '{source}' has no pixels ({info.Width} × {info.Height}).");
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        // IncompleteInput: a truncated file whose missing rows Skia fills; an error, not a silent grey band.
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"Image '{source}' could not be decoded: SkiaSharp reports {result} for this {codec.EncodedFormat} file ({info.Width} × {info.Height}, {codec.Info.ColorType}).");
        return (rgba, info.Width, info.Height);
    }

    private static InvalidDataException NotAnImage(string source) =>
        new($"Image '{source}' is not an image SkiaSharp can decode (PNG, JPEG, WebP, GIF, BMP, ICO or WBMP expected).");
}
