using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// An RGB image as three row-major (Height × Width) float planes with values in [0, 1] — the input of
/// <see cref="IttiKochSaliency"/>. Made from the 8-bit images RepLens decodes
/// (<see cref="FromRgbImage"/>: <c>RepLens.Imaging.ImageDecoder</c> for files, or an image the caller
/// edited in memory), or filled by the caller (synthetic stimuli).
/// </summary>
public sealed class ColorPlanes
{
    /// <summary>A black image.</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    public ColorPlanes(int width, int height)
        : this(width, height, new float[Size(width, height)], new float[Size(width, height)], new float[Size(width, height)])
    {
    }

    /// <summary>Wraps three planes (not copied).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="red">Height × Width red values in [0, 1], row-major.</param>
    /// <param name="green">Green values.</param>
    /// <param name="blue">Blue values.</param>
    public ColorPlanes(int width, int height, float[] red, float[] green, float[] blue)
    {
        ArgumentNullException.ThrowIfNull(red);
        ArgumentNullException.ThrowIfNull(green);
        ArgumentNullException.ThrowIfNull(blue);
        int n = Size(width, height);
        foreach (var (name, plane) in new[] { ("red", red), ("green", green), ("blue", blue) })
            if (plane.Length != n)
                throw new ArgumentException($"A {width} × {height} image needs {n} {name} values; got {plane.Length}.", name);
        Width = width;
        Height = height;
        Red = red;
        Green = green;
        Blue = blue;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Red plane, row-major, values in [0, 1].</summary>
    public float[] Red { get; }

    /// <summary>Green plane, row-major, values in [0, 1].</summary>
    public float[] Green { get; }

    /// <summary>Blue plane, row-major, values in [0, 1].</summary>
    public float[] Blue { get; }

    /// <summary>From an 8-bit RGB image: each value v becomes v / 255.</summary>
    /// <param name="image">The image (e.g. from <c>RepLens.Imaging.ImageDecoder.Decode</c>).</param>
    public static ColorPlanes FromRgbImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return FromRgb24(image.Pixels, image.Width, image.Height);
    }

    /// <summary>From 8-bit interleaved R, G, B bytes (3 per pixel, row-major, no row padding).</summary>
    /// <param name="rgb">Width × Height × 3 bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static ColorPlanes FromRgb24(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int n = Size(width, height);
        if (rgb.Length != 3 * n) throw new ArgumentException($"A {width} × {height} RGB image has {3 * n} bytes; got {rgb.Length}.", nameof(rgb));
        var img = new ColorPlanes(width, height);
        for (int i = 0; i < n; i++)
        {
            img.Red[i] = rgb[3 * i] / 255f;
            img.Green[i] = rgb[3 * i + 1] / 255f;
            img.Blue[i] = rgb[3 * i + 2] / 255f;
        }
        return img;
    }

    /// <summary>The 8-bit RGB image, values rounded and clamped to [0, 255].</summary>
    public RgbImage ToRgbImage()
    {
        int n = Width * Height;
        var bytes = new byte[3 * n];
        for (int i = 0; i < n; i++)
        {
            bytes[3 * i] = ToByte(Red[i]);
            bytes[3 * i + 1] = ToByte(Green[i]);
            bytes[3 * i + 2] = ToByte(Blue[i]);
        }
        return new RgbImage(Width, Height, bytes);
    }

    private static byte ToByte(float v) => v >= 1f ? (byte)255 : v > 0f ? (byte)MathF.Round(v * 255f) : (byte)0;

    private static int Size(int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs at least 1 × 1 pixels; got {width} × {height}.");
        return checked(width * height);
    }
}
