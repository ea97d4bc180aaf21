namespace RepLens.Abstractions;

/// <summary>An 8-bit RGB image, pixels interleaved row by row (R, G, B, R, G, B, …).</summary>
public sealed class RgbImage
{
    /// <summary>Wraps pixel data.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="pixels">Interleaved RGB bytes, <c>width × height × 3</c> of them.</param>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != (long)width * height * 3)
            throw new ArgumentException($"Expected {width}×{height}×3 = {(long)width * height * 3} bytes, got {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved RGB bytes.</summary>
    public byte[] Pixels { get; }
}
