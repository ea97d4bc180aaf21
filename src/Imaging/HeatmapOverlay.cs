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

    // Blend quantises the scaled map to this many steps (1/1023: below what 8-bit colours show).
    private const int Steps = 1023;

    /// <summary>
    /// The map blended over the image: out = image·(1 − α·s) + heat(s)·α·s, with s the map scaled to its
    /// maximum (in steps of 1/1023) and α the opacity, so that where the map is 0 the image is unchanged.
    /// The map is resized (bilinear) to the image if needed.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="map">(H × W) map, any scale; negative values count as 0.</param>
    /// <param name="opacity">Opacity of the map where it is largest, in [0, 1].</param>
    public static RgbImage Blend(RgbImage image, FloatMatrix map, float opacity = 0.6f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (!(opacity >= 0f && opacity <= 1f)) throw new ArgumentOutOfRangeException(nameof(opacity), $"Opacity must be in [0, 1]; got {opacity}.");
        var values = (map.Rows == image.Height && map.Columns == image.Width ? map : ResizeBilinear(map, image.Width, image.Height)).Data;
        float max = 0f;
        foreach (var v in values) if (v > max) max = v;
        float toStep = max > 0f ? Steps / max : 0f;
        // Per step q: the heat colour premultiplied by α·s (in 0–255 units) and the weight 1 − α·s of the image.
        var heat = new float[3 * (Steps + 1)];
        var keep = new float[Steps + 1];
        for (int q = 0; q <= Steps; q++)
        {
            float sv = q / (float)Steps, a = opacity * sv;
            var (r, g, b) = Heat(sv);
            heat[3 * q] = 255f * r * a;
            heat[3 * q + 1] = 255f * g * a;
            heat[3 * q + 2] = 255f * b * a;
            keep[q] = 1f - a;
        }
        var src = image.Pixels;
        var rgb = new byte[src.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i] * toStep;
            int q = v > 0f ? (int)MathF.Min(v + 0.5f, Steps) : 0;
            int p = 3 * i;
            if (q == 0)
            {
                rgb[p] = src[p];
                rgb[p + 1] = src[p + 1];
                rgb[p + 2] = src[p + 2];
                continue;
            }
            float k = keep[q];
            rgb[p] = ToByte255(src[p] * k + heat[3 * q]);
            rgb[p + 1] = ToByte255(src[p + 1] * k + heat[3 * q + 1]);
            rgb[p + 2] = ToByte255(src[p + 2] * k + heat[3 * q + 2]);
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

    private static byte ToByte255(float v) => v >= 255f ? (byte)255 : v > 0f ? (byte)(v + 0.5f) : (byte)0;
}
