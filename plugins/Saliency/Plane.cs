namespace RepLens.Plugins.Saliency;

/// <summary>A row-major (Height × Width) float32 image plane used inside the saliency computation.</summary>
internal sealed class Plane
{
    public Plane(int width, int height)
        : this(width, height, new float[checked(width * height)])
    {
    }

    public Plane(int width, int height, float[] data)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"A plane needs at least 1 × 1 pixels; got {width} × {height}.");
        if (data.Length != width * height) throw new ArgumentException($"A {width} × {height} plane has {width * height} values; got {data.Length}.", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Data { get; }

    public Span<float> Row(int y) => Data.AsSpan(y * Width, Width);

    public SaliencyMap ToMap() => new(Width, Height, Data);
}
