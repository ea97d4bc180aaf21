namespace RepLens.Plugins.Saliency;

/// <summary>
/// The map-normalisation operator N(·) of Itti, Koch &amp; Niebur (1998, §2): (1) scale the map linearly to
/// [0, M]; (2) find its global maximum M and the mean m̄ of its other local maxima; (3) multiply the map by
/// (M − m̄)². A map with one strong peak is promoted, a map with many comparable peaks is suppressed.
/// </summary>
/// <remarks>
/// Choices the paper leaves open, made here and documented in the plugin README:
/// <list type="bullet">
/// <item>A local maximum is a pixel ≥ its 8 neighbours (fewer at the image border, which counts) and
/// strictly greater than its neighbours that come before it in raster order, so a plateau counts once.</item>
/// <item>Only local maxima ≥ <c>threshold·M</c> are counted (1/10 in the SaliencyToolbox of Walther &amp; Koch,
/// 2006); without a threshold, ripples near zero drag m̄ down.</item>
/// <item>The global maximum is the first pixel in raster order holding the largest value; m̄ is the mean of
/// the counted maxima without it (0 when there is none, so a single-peak map is multiplied by M²).</item>
/// <item>A map whose range is below <see cref="FlatRange"/> (pixel values are in [0, 1]) carries no
/// contrast: N gives all zeros, never NaN.</item>
/// </list>
/// </remarks>
internal static class MapNormalization
{
    /// <summary>Maps whose max − min is below this are treated as flat (rounding noise of a uniform input).</summary>
    public const float FlatRange = 1e-5f;

    /// <summary>Applies N(·) in place.</summary>
    /// <param name="map">The map.</param>
    /// <param name="m">The range maximum M.</param>
    /// <param name="threshold">Fraction of M a local maximum must reach to be counted.</param>
    public static void Normalize(Plane map, float m, float threshold)
    {
        var d = map.Data;
        float min = d[0], max = d[0];
        int argMax = 0;
        for (int i = 1; i < d.Length; i++)
        {
            float v = d[i];
            if (v < min) min = v;
            if (v > max) { max = v; argMax = i; }
        }
        if (!(max - min >= FlatRange))
        {
            Array.Clear(d);
            return;
        }
        float scale = m / (max - min);
        for (int i = 0; i < d.Length; i++) d[i] = (d[i] - min) * scale;

        double sum = 0;
        int count = 0;
        float thr = threshold * m;
        int w = map.Width, h = map.Height;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int idx = y * w + x;
                float v = d[idx];
                if (v < thr || idx == argMax || !IsLocalMaximum(d, w, h, x, y, v)) continue;
                sum += v;
                count++;
            }
        }
        double mean = count == 0 ? 0.0 : sum / count;
        float factor = (float)((m - mean) * (m - mean));
        for (int i = 0; i < d.Length; i++) d[i] *= factor;
    }

    private static bool IsLocalMaximum(float[] d, int w, int h, int x, int y, float v)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if (yy < 0 || yy >= h) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                if (dx == 0 && dy == 0) continue;
                int xx = x + dx;
                if (xx < 0 || xx >= w) continue;
                float u = d[yy * w + xx];
                bool before = dy < 0 || (dy == 0 && dx < 0);
                if (before ? u >= v : u > v) return false;
            }
        }
        return true;
    }
}
