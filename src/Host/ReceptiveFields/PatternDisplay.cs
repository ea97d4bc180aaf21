using RepLens.Abstractions;
using RepLens.Host.Figures;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// Turns patterns (in the network's input space) into images, de-normalised with the model's preprocessing:
/// per channel, pattern × std gives the deviation from the mean colour and + mean the pixel value, ÷ pixel
/// scale in 0–255 pixel units, channels in RGB order; tiles are reduced by box averaging to at most
/// <see cref="MaxTileSide"/> pixels a side. Both displays show each channel over a window centred on its mean
/// (the mean colour is mid-grey): <see cref="RenderFixed"/> with one half-width M for every tile of a sweep,
/// so that tiles compare in magnitude; <see cref="RenderStretched"/> with each tile's own largest deviation,
/// which is the same for every c when the pattern scales with c.
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

    /// <summary>
    /// A pattern de-normalised and reduced: per RGB plane the deviation from the mean colour (pattern × std, pixel
    /// units), the mean colour (pixel units), and the largest absolute deviation at full resolution.
    /// </summary>
    public sealed record DisplayTile(float[] Deviation, float[] MeanColour, float MaxDeviation);

    /// <summary>
    /// Statistics of a pattern as an image: smallest and largest pixel value (0–255 units), how many values fall
    /// outside 0–255, and the largest absolute deviation from the mean colour.
    /// </summary>
    public (float Min, float Max, int Clipped, float MaxDeviation) Measure(ReadOnlySpan<float> pattern)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity, largest = 0;
        int clipped = 0, plane = _height * _width;
        for (int c = 0; c < 3; c++)
        {
            float std = _std[c] / _scale, mean = _mean[c] / _scale;
            foreach (var p in pattern.Slice(c * plane, plane))
            {
                float d = p * std, v = d + mean;
                largest = Math.Max(largest, Math.Abs(d));
                if (v < lo) lo = v;
                if (v > hi) hi = v;
                if (v < 0 || v > 255) clipped++;
            }
        }
        return (lo, hi, clipped, largest);
    }

    public DisplayTile Make(ReadOnlySpan<float> pattern)
    {
        int plane = _height * _width, tile = TileHeight * TileWidth;
        var deviation = new float[3 * tile];
        var meanColour = new float[3];
        float area = Factor * Factor, largest = 0;
        for (int c = 0; c < 3; c++)
        {
            int target = _bgr ? 2 - c : c;
            float std = _std[c] / _scale;
            meanColour[target] = _mean[c] / _scale;
            var source = pattern.Slice(c * plane, plane);
            foreach (var p in source) largest = Math.Max(largest, Math.Abs(p * std));
            for (int i = 0; i < TileHeight; i++)
                for (int j = 0; j < TileWidth; j++)
                {
                    float sum = 0;
                    for (int a = 0; a < Factor; a++)
                        for (int b = 0; b < Factor; b++)
                            sum += source[(i * Factor + a) * _width + j * Factor + b];
                    deviation[target * tile + i * TileWidth + j] = sum / area * std;
                }
        }
        return new DisplayTile(deviation, meanColour, largest);
    }

    /// <summary>Each channel over the fixed window mean ± <paramref name="halfWidth"/> (pixel units) → black–white; mid-grey = the mean colour.</summary>
    public ImageGrid.Tile RenderFixed(DisplayTile tile, float halfWidth, string? caption) => Render(tile, halfWidth, caption);

    /// <summary>Each channel over the window mean ± the tile's own largest deviation: the tile's extreme value reaches black or white.</summary>
    public ImageGrid.Tile RenderStretched(DisplayTile tile, string? caption) => Render(tile, tile.MaxDeviation, caption);

    private ImageGrid.Tile Render(DisplayTile tile, float halfWidth, string? caption)
    {
        float gain = halfWidth > 0 ? 127.5f / halfWidth : 0f;
        return Render(tile, caption, (_, d) => 127.5f + d * gain);
    }

    private ImageGrid.Tile Render(DisplayTile tile, string? caption, Func<int, float, float> map)
    {
        int n = TileHeight * TileWidth;
        var rgb = new byte[3 * n];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++)
                rgb[3 * i + c] = (byte)Math.Clamp(MathF.Round(map(c, tile.Deviation[c * n + i])), 0, 255);
        return new ImageGrid.Tile(rgb, TileWidth, TileHeight, caption);
    }
}
