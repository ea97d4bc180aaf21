namespace RepLens.Plugins.Saliency;

/// <summary>
/// An RGB image in memory as three row-major (Height × Width) float planes with values in [0, 1] —
/// the input of <see cref="IttiKochSaliency"/>. Made by <see cref="SaliencyImageIO"/> from a file or
/// encoded bytes, or by the caller from pixels it already has (<see cref="FromRgb24"/>,
/// <see cref="FromRgba32"/>): the distractor builder edits images in memory and never writes them
/// before computing their saliency.
/// </summary>
public sealed class RgbImage
{
    /// <summary>A black image.</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    public RgbImage(int width, int height)
        : this(width, height, new float[Size(width, height)], new float[Size(width, height)], new float[Size(width, height)])
    {
    }

    /// <summary>Wraps three planes (not copied).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="red">Height × Width red values in [0, 1], row-major.</param>
    /// <param name="green">Green values.</param>
    /// <param name="blue">Blue values.</param>
    public RgbImage(int width, int height, float[] red, float[] green, float[] blue)
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

    /// <summary>From 8-bit interleaved R, G, B bytes (3 per pixel, row-major, no row padding).</summary>
    /// <param name="rgb">Width × Height × 3 bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static RgbImage FromRgb24(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int n = Size(width, height);
        if (rgb.Length != 3 * n) throw new ArgumentException($"A {width} × {height} RGB image has {3 * n} bytes; got {rgb.Length}.", nameof(rgb));
        var img = new RgbImage(width, height);
        for (int i = 0; i < n; i++)
        {
            img.Red[i] = rgb[3 * i] / 255f;
            img.Green[i] = rgb[3 * i + 1] / 255f;
            img.Blue[i] = rgb[3 * i + 2] / 255f;
        }
        return img;
    }

    /// <summary>
    /// From 8-bit interleaved R, G, B, A bytes with straight (not premultiplied) alpha, composited over
    /// <paramref name="background"/>.
    /// </summary>
    /// <param name="rgba">Width × Height × 4 bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="background">What transparent pixels are composited over.</param>
    public static RgbImage FromRgba32(ReadOnlySpan<byte> rgba, int width, int height, AlphaBackground background = AlphaBackground.Black)
    {
        int n = Size(width, height);
        if (rgba.Length != 4 * n) throw new ArgumentException($"A {width} × {height} RGBA image has {4 * n} bytes; got {rgba.Length}.", nameof(rgba));
        var img = new RgbImage(width, height);
        float bg = background == AlphaBackground.White ? 1f : 0f;
        for (int i = 0; i < n; i++)
        {
            byte a = rgba[4 * i + 3];
            if (a == 255)
            {
                img.Red[i] = rgba[4 * i] / 255f;
                img.Green[i] = rgba[4 * i + 1] / 255f;
                img.Blue[i] = rgba[4 * i + 2] / 255f;
            }
            else
            {
                float al = a / 255f, rest = (1f - al) * bg;
                img.Red[i] = rgba[4 * i] / 255f * al + rest;
                img.Green[i] = rgba[4 * i + 1] / 255f * al + rest;
                img.Blue[i] = rgba[4 * i + 2] / 255f * al + rest;
            }
        }
        return img;
    }

    /// <summary>Interleaved 8-bit R, G, B, A (alpha 255) bytes, values rounded and clamped to [0, 255].</summary>
    public byte[] ToRgba32()
    {
        int n = Width * Height;
        var bytes = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            bytes[4 * i] = ToByte(Red[i]);
            bytes[4 * i + 1] = ToByte(Green[i]);
            bytes[4 * i + 2] = ToByte(Blue[i]);
            bytes[4 * i + 3] = 255;
        }
        return bytes;
    }

    internal static byte ToByte(float v) => v >= 1f ? (byte)255 : v > 0f ? (byte)MathF.Round(v * 255f) : (byte)0;

    private static int Size(int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs at least 1 × 1 pixels; got {width} × {height}.");
        return checked(width * height);
    }
}
