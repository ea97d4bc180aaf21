using RepLens.Abstractions;

namespace RepLens.Imaging;

/// <summary>
/// Pictures of 2-D maps (saliency maps, receptive-field patterns) for looking at: a map scaled to its
/// maximum and drawn with the perceptually uniform "inferno" colour map, alone or blended over its
/// image (opacity grows with the map's value).
/// </summary>
public static class HeatmapOverlay
{
    // Nine control points of matplotlib's "inferno" (van der Walt & Smith), linearly interpolated.
    private static readonly float[,] Inferno =
    {
        { 0.0015f, 0.0005f, 0.0139f }, { 0.1293f, 0.0473f, 0.2908f }, { 0.3415f, 0.0623f, 0.4294f },
        { 0.5409f, 0.1347f, 0.4151f }, { 0.7357f, 0.2159f, 0.3302f }, { 0.8943f, 0.3534f, 0.1936f },
        { 0.9784f, 0.5579f, 0.0349f }, { 0.9746f, 0.7977f, 0.2063f }, { 0.9884f, 0.9984f, 0.6449f },
    };

    /// <summary>The map blended over the image; the map is resized (bilinear) to the image if needed.</summary>
    /// <param name="image">The image.</param>
    /// <param name="map">(H × W) map, any scale; negative values count as 0.</param>
    /// <param name="opacity">Opacity of the map where it is largest, in [0, 1].</param>
    public static RgbImage Blend(RgbImage image, FloatMatrix map, float opacity = 0.6f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (!(opacity >= 0f && opacity <= 1f)) throw new ArgumentOutOfRangeException(nameof(opacity), $"Opacity must be in [0, 1]; got {opacity}.");
        var s = Scaled(map.Rows == image.Height && map.Columns == image.Width ? map : ResizeBilinear(map, image.Width, image.Height));
        var rgb = new byte[image.Pixels.Length];
        for (int i = 0; i < s.Length; i++)
        {
            var (hr, hg, hb) = Heat(s[i]);
            float a = opacity * s[i], keep = 1f - a;
            rgb[3 * i] = ToByte(image.Pixels[3 * i] / 255f * keep + hr * a);
            rgb[3 * i + 1] = ToByte(image.Pixels[3 * i + 1] / 255f * keep + hg * a);
            rgb[3 * i + 2] = ToByte(image.Pixels[3 * i + 2] / 255f * keep + hb * a);
        }
        return new RgbImage(image.Width, image.Height, rgb);
    }

    /// <summary>The map alone, in the colour map.</summary>
    /// <param name="map">(H × W) map.</param>
    public static RgbImage Render(FloatMatrix map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var s = Scaled(map);
        var rgb = new byte[3 * s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            var (r, g, b) = Heat(s[i]);
            rgb[3 * i] = ToByte(r);
            rgb[3 * i + 1] = ToByte(g);
            rgb[3 * i + 2] = ToByte(b);
        }
        return new RgbImage(map.Columns, map.Rows, rgb);
    }

    /// <summary>Bilinear resize of a map (pixel centres aligned, edges clamped).</summary>
    /// <param name="map">(H × W) map.</param>
    /// <param name="width">New width.</param>
    /// <param name="height">New height.</param>
    public static FloatMatrix ResizeBilinear(FloatMatrix map, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(map);
        var dst = new float[width * height];
        float sx = map.Columns / (float)width, sy = map.Rows / (float)height;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, map.Rows - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, map.Rows - 1);
            float wy = fy - y0;
            for (int x = 0; x < width; x++)
            {
                float fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, map.Columns - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, map.Columns - 1);
                float wx = fx - x0;
                float top = map.Data[y0 * map.Columns + x0] * (1 - wx) + map.Data[y0 * map.Columns + x1] * wx;
                float bottom = map.Data[y1 * map.Columns + x0] * (1 - wx) + map.Data[y1 * map.Columns + x1] * wx;
                dst[y * width + x] = top * (1 - wy) + bottom * wy;
            }
        }
        return new FloatMatrix(height, width, dst);
    }

    private static float[] Scaled(FloatMatrix map)
    {
        float max = 0f;
        foreach (var v in map.Data) if (v > max) max = v;
        var s = new float[map.Data.Length];
        if (max > 0f)
            for (int i = 0; i < s.Length; i++) s[i] = Math.Clamp(map.Data[i] / max, 0f, 1f);
        return s;
    }

    private static (float R, float G, float B) Heat(float v)
    {
        float t = v * 8f;
        int i = Math.Min((int)t, 7);
        float f = t - i;
        return (Inferno[i, 0] + f * (Inferno[i + 1, 0] - Inferno[i, 0]),
                Inferno[i, 1] + f * (Inferno[i + 1, 1] - Inferno[i, 1]),
                Inferno[i, 2] + f * (Inferno[i + 1, 2] - Inferno[i, 2]));
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
