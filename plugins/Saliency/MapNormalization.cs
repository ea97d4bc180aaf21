namespace RepLens.Plugins.Saliency;

/// <summary>
/// The map-normalisation operator N(·) of Itti, Koch &amp; Niebur (1998, §2): (1) scale the map linearly to
/// [0, M]; (2) find its global maximum M and the mean m̄ of its other local maxima; (3) multiply the map by
/// (M − m̄)². A map with one strong peak is promoted, a map with many comparable peaks is suppressed.
/// </summary>
/// <remarks>
/// Choices the paper leaves open, made here and documented in the plugin README:
/// <list type="bullet">
/// <item>A local maximum is a connected (8-neighbour) set of pixels of equal value — within
/// <see cref="PlateauTolerance"/>·M, so that float rounding on a flat plateau does not create hundreds of
/// spurious peaks — none of which has a neighbour higher by more than that tolerance. Each counts once,
/// with its largest value. The image border counts like any other place. The rule has no preferred
/// direction: the maxima of a mirrored map are the mirrored maxima.</item>
/// <item>Only local maxima ≥ <c>threshold·M</c> are counted (1/10 in the SaliencyToolbox of Walther &amp; Koch,
/// 2006); without a threshold, ripples near zero drag m̄ down.</item>
/// <item>The global maximum is the local maximum holding the largest pixel; m̄ is the mean of the other
/// counted maxima (0 when there is none, so a single-peak map is multiplied by M²).</item>
/// <item>A map whose range is below <see cref="FlatRange"/> (pixel values are in [0, 1]) carries no
/// contrast: N gives all zeros, never NaN.</item>
/// </list>
/// </remarks>
internal static class MapNormalization
{
    /// <summary>Maps whose max − min is below this are treated as flat (rounding noise of a uniform input).</summary>
    public const float FlatRange = 1e-5f;

    /// <summary>Neighbouring values closer than this fraction of M are equal for the local-maximum search.</summary>
    public const float PlateauTolerance = 1e-4f;

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

        double mean = MeanOfOtherMaxima(d, map.Width, map.Height, argMax, threshold * m, PlateauTolerance * m);
        float factor = (float)((m - mean) * (m - mean));
        for (int i = 0; i < d.Length; i++) d[i] *= factor;
    }

    private static double MeanOfOtherMaxima(float[] d, int w, int h, int argMax, float thr, float tol)
    {
        int n = d.Length;
        // Candidates: above the threshold, no neighbour clearly higher.
        var candidate = new bool[n];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                float v = d[i];
                if (v < thr) continue;
                bool ok = true;
                for (int dy = -1; dy <= 1 && ok; dy++)
                {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if (xx < 0 || xx >= w || (dx == 0 && dy == 0)) continue;
                        if (d[yy * w + xx] > v + tol) { ok = false; break; }
                    }
                }
                candidate[i] = ok;
            }
        }

        // Plateaus: 8-connected candidates of (nearly) equal value form one maximum.
        var seen = new bool[n];
        var stack = new Stack<int>();
        double sum = 0;
        int count = 0;
        for (int start = 0; start < n; start++)
        {
            if (!candidate[start] || seen[start]) continue;
            float peak = d[start];
            bool global = false;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                float v = d[i];
                if (v > peak) peak = v;
                if (i == argMax) global = true;
                int x = i % w, y = i / w;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if (xx < 0 || xx >= w) continue;
                        int j = yy * w + xx;
                        if (seen[j] || !candidate[j] || Math.Abs(d[j] - v) > tol) continue;
                        seen[j] = true;
                        stack.Push(j);
                    }
                }
            }
            if (global) continue;
            sum += peak;
            count++;
        }
        return count == 0 ? 0.0 : sum / count;
    }
}
