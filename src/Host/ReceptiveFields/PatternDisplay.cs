using RepLens.Abstractions;
using RepLens.Host.Figures;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// Turns patterns (in the network's input space) into images: de-normalised with the model's
/// preprocessing (value × std + mean per channel, then ÷ pixel scale: 0–255 pixel units), channels in RGB
/// order, reduced by box averaging to at most <see cref="MaxTileSide"/> pixels a side; then shown with a
/// fixed display range or stretched per tile.
/// </summary>
internal sealed class PatternDisplay
{
    public const int MaxTileSide = 112;

    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float _scale;
    private readonly bool _bgr;
    private readonly int _height;
    private readonly int _width;

    public PatternDisplay(Preprocessing preprocessing, IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count != 3 || inputShape[0] != 3)
            throw new ArgumentException($"Patterns of shape [{string.Join(", ", inputShape)}] are not RGB images [3, H, W].", nameof(inputShape));
        _mean = preprocessing.Mean.ToArray();
        _std = preprocessing.Std.ToArray();
        _scale = preprocessing.PixelScale;
        _bgr = preprocessing.ChannelOrder == ChannelOrder.Bgr;
        _height = inputShape[1];
        _width = inputShape[2];
        Factor = Math.Max(1, (int)Math.Ceiling(Math.Max(_height, _width) / (double)MaxTileSide));
        TileHeight = _height / Factor;
        TileWidth = _width / Factor;
    }

    /// <summary>Box size of the reduction (1 = full resolution).</summary>
    public int Factor { get; }

    public int TileHeight { get; }

    public int TileWidth { get; }

    /// <summary>A pattern de-normalised (RGB planes, pixel units) and reduced, with the range of its full-resolution values.</summary>
    public sealed record DisplayTile(float[] Planes, float Min, float Max);

    /// <summary>The smallest and largest de-normalised value of a pattern.</summary>
    public (float Min, float Max) Range(ReadOnlySpan<float> pattern)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        int plane = _height * _width;
        for (int c = 0; c < 3; c++)
        {
            float std = _std[c], mean = _mean[c];
            foreach (var p in pattern.Slice(c * plane, plane))
            {
                float v = (p * std + mean) / _scale;
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        }
        return (lo, hi);
    }

    public DisplayTile Make(ReadOnlySpan<float> pattern)
    {
        var (lo, hi) = Range(pattern);
        int plane = _height * _width, tile = TileHeight * TileWidth;
        var planes = new float[3 * tile];
        float area = Factor * Factor;
        for (int c = 0; c < 3; c++)
        {
            int target = _bgr ? 2 - c : c;
            float std = _std[c], mean = _mean[c];
            var source = pattern.Slice(c * plane, plane);
            for (int i = 0; i < TileHeight; i++)
                for (int j = 0; j < TileWidth; j++)
                {
                    float sum = 0;
                    for (int a = 0; a < Factor; a++)
                        for (int b = 0; b < Factor; b++)
                            sum += source[(i * Factor + a) * _width + j * Factor + b];
                    planes[target * tile + i * TileWidth + j] = (sum / area * std + mean) / _scale;
                }
        }
        return new DisplayTile(planes, lo, hi);
    }

    /// <summary>The tile as RGB bytes, with [<paramref name="lo"/>, <paramref name="hi"/>] mapped linearly to 0–255 (clipped); a flat range shows mid-grey.</summary>
    public ImageGrid.Tile Render(DisplayTile tile, float lo, float hi, string? caption)
    {
        int n = TileHeight * TileWidth;
        var rgb = new byte[3 * n];
        float span = hi - lo;
        bool flat = !(span > 1e-12f * Math.Max(1f, Math.Max(Math.Abs(lo), Math.Abs(hi))));
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++)
            {
                float v = flat ? 127.5f : (tile.Planes[c * n + i] - lo) / span * 255f;
                rgb[3 * i + c] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
            }
        return new ImageGrid.Tile(rgb, TileWidth, TileHeight, caption);
    }

    /// <summary>The tile stretched to its own range.</summary>
    public ImageGrid.Tile RenderStretched(DisplayTile tile, string? caption) => Render(tile, tile.Min, tile.Max, caption);
}
