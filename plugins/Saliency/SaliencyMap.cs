using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// A saliency map (or any single-channel map the model produces): row-major (Height × Width) float32
/// values. Written by the host as a (Height × Width) float32 <c>.npy</c> through <see cref="ToMatrix"/>.
/// </summary>
public sealed class SaliencyMap
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    /// <param name="data">Height × Width values, row-major.</param>
    public SaliencyMap(int width, int height, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"A map needs at least 1 × 1 pixels; got {width} × {height}.");
        if (data.LongLength != (long)width * height)
            throw new ArgumentException($"A {width} × {height} map has {(long)width * height} values; got {data.LongLength}.", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The values, row-major (row y starts at y × Width).</summary>
    public float[] Data { get; }

    /// <summary>The value at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    /// <param name="y">Row (0 at the top).</param>
    /// <param name="x">Column (0 at the left).</param>
    public float this[int y, int x] => Data[y * Width + x];

    /// <summary>The largest value.</summary>
    public float Max() => Data.Max();

    /// <summary>Position of the largest value (the first in raster order on ties).</summary>
    public (int X, int Y) ArgMax()
    {
        int best = 0;
        for (int i = 1; i < Data.Length; i++)
            if (Data[i] > Data[best]) best = i;
        return (best % Width, best / Width);
    }

    /// <summary>The map as a (Height × Width) matrix sharing the same values.</summary>
    public FloatMatrix ToMatrix() => new(Height, Width, Data);

    /// <summary>
    /// A resized copy: bilinear interpolation with pixel centres aligned (as PyTorch's
    /// <c>interpolate(..., align_corners=False)</c> and OpenCV's INTER_LINEAR), no antialiasing.
    /// </summary>
    /// <param name="width">New width.</param>
    /// <param name="height">New height.</param>
    public SaliencyMap Resize(int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"A map needs at least 1 × 1 pixels; got {width} × {height}.");
        return PlaneOps.ResizeBilinear(new Plane(Width, Height, Data), width, height).ToMap();
    }
}
