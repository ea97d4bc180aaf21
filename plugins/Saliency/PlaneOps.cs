using System.Numerics;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// The image operations of the Itti–Koch model on <see cref="Plane"/>s, all in one geometry: pixel
/// centres aligned (pixel i of an n-pixel axis covers [i, i + 1) of the axis' extent, as in image resizing
/// with <c>align_corners=False</c>) and borders mirrored about the true image edge (half-sample symmetric,
/// NumPy's <c>"symmetric"</c>). The four image borders are therefore treated alike: the map of a mirrored
/// image is the mirrored map. Each output value is computed with the same sequence of float32 operations
/// in a SIMD lane and in the scalar tail, so results do not depend on the vector width or on threading.
/// </summary>
internal static class PlaneOps
{
    /// <summary>Standard deviation, in pixels of the finer level, of the Gaussian applied before halving (that of Burt &amp; Adelson's [1 4 6 4 1]/16).</summary>
    public const double ReduceSigma = 1.0;

    /// <summary>Index of <paramref name="i"/> mirrored into [0, n) about the edges at −½ and n − ½.</summary>
    public static int Reflect(int i, int n)
    {
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }

    /// <summary>Size of the next pyramid level: ⌈n / 2⌉.</summary>
    public static int ReducedSize(int n) => (n + 1) / 2;

    /// <summary>
    /// One pyramid step: each pixel of the ⌈w/2⌉ × ⌈h/2⌉ result is a normalised Gaussian (σ = 1 input pixel,
    /// taps closer than 3σ) weighted mean of the input around the result pixel's centre, which lies at input
    /// coordinate (i + ½)·n/m − ½ (2i + ½ when n is even).
    /// </summary>
    public static Plane Reduce(Plane src)
    {
        int w = src.Width, h = src.Height;
        int ow = ReducedSize(w), oh = ReducedSize(h);
        var xTaps = GaussianTaps(w, ow);
        var yTaps = GaussianTaps(h, oh);

        // Vertical pass first, at the output rows only: whole rows at a time, vectorised along x.
        var tmp = new float[w * oh];
        var s = src.Data;
        int vc = Vector<float>.Count;
        for (int i = 0; i < oh; i++)
        {
            var t = yTaps[i];
            var outRow = tmp.AsSpan(i * w, w);
            int x = 0;
            for (; x <= w - vc; x += vc)
            {
                var acc = Vector<float>.Zero;
                for (int k = 0; k < t.Weights.Length; k++)
                    acc += new Vector<float>(t.Weights[k]) * new Vector<float>(s, t.Index[k] * w + x);
                acc.CopyTo(outRow[x..]);
            }
            for (; x < w; x++)
            {
                float a = 0f;
                for (int k = 0; k < t.Weights.Length; k++) a += t.Weights[k] * s[t.Index[k] * w + x];
                outRow[x] = a;
            }
        }
        // Horizontal pass at the output columns of the output rows.
        var dst = new Plane(ow, oh);
        if (w % 2 == 0 && !ForceIndexedHorizontalPass) HorizontalEven(tmp, w, oh, xTaps[0].Weights, dst.Data);
        else HorizontalIndexed(tmp, w, oh, xTaps, dst.Data);
        return dst;
    }

    /// <summary>For tests: use the general (index-table) horizontal pass for even widths too.</summary>
    internal static bool ForceIndexedHorizontalPass { get; set; }

    private static void HorizontalIndexed(float[] tmp, int w, int oh, GaussianTap[] xTaps, float[] o)
    {
        int ow = xTaps.Length;
        for (int y = 0; y < oh; y++)
        {
            int row = y * w, orow = y * ow;
            for (int j = 0; j < ow; j++)
            {
                var t = xTaps[j];
                float a = 0f;
                for (int k = 0; k < t.Weights.Length; k++) a += t.Weights[k] * tmp[row + t.Index[k]];
                o[orow + j] = a;
            }
        }
    }

    /// <summary>
    /// The horizontal pass for an even width, vectorised: output j is centred at 2j + ½, so its six taps are
    /// the even and odd samples j − 1, j, j + 1 — split into two mirrored-padded arrays, the pass becomes a
    /// 6-term sum of shifted rows, in the same order and with the same weights as the indexed pass (the
    /// results are identical; <c>ForceIndexedHorizontalPass</c> tests that).
    /// </summary>
    private static void HorizontalEven(float[] tmp, int w, int oh, float[] weights, float[] o)
    {
        int m = w / 2;
        var even = new float[m + 2];
        var odd = new float[m + 2];
        float a = weights[0], b = weights[1], c = weights[2], c2 = weights[3], b2 = weights[4], a2 = weights[5];
        var va = new Vector<float>(a); var vb = new Vector<float>(b); var vc = new Vector<float>(c);
        var vc2 = new Vector<float>(c2); var vb2 = new Vector<float>(b2); var va2 = new Vector<float>(a2);
        int vn = Vector<float>.Count;
        for (int y = 0; y < oh; y++)
        {
            int row = y * w, orow = y * m;
            for (int j = 0; j < m; j++)
            {
                even[j + 1] = tmp[row + 2 * j];
                odd[j + 1] = tmp[row + 2 * j + 1];
            }
            // Mirrored about the edges: position −2 is 1, −1 is 0, n is n − 1, n + 1 is n − 2.
            even[0] = odd[1];
            odd[0] = even[1];
            even[m + 1] = odd[m];
            odd[m + 1] = even[m];
            int j0 = 0;
            for (; j0 <= m - vn; j0 += vn)
            {
                var v = Vector<float>.Zero + va * new Vector<float>(even, j0) + vb * new Vector<float>(odd, j0)
                      + vc * new Vector<float>(even, j0 + 1) + vc2 * new Vector<float>(odd, j0 + 1)
                      + vb2 * new Vector<float>(even, j0 + 2) + va2 * new Vector<float>(odd, j0 + 2);
                v.CopyTo(o, orow + j0);
            }
            for (; j0 < m; j0++)
                o[orow + j0] = 0f + a * even[j0] + b * odd[j0] + c * even[j0 + 1] + c2 * odd[j0 + 1] + b2 * even[j0 + 2] + a2 * odd[j0 + 2];
        }
    }

    /// <summary>Reduces <paramref name="src"/> <paramref name="steps"/> times.</summary>
    public static Plane Reduce(Plane src, int steps)
    {
        for (int i = 0; i < steps; i++) src = Reduce(src);
        return src;
    }

    private sealed record GaussianTap(int[] Index, float[] Weights);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, GaussianTap[]> TapCache = new();

    private static GaussianTap[] GaussianTaps(int n, int m) =>
        n < 8192 ? TapCache.GetOrAdd(n, static (k, mm) => ComputeGaussianTaps(k, mm), m) : ComputeGaussianTaps(n, m);

    private static GaussianTap[] ComputeGaussianTaps(int n, int m)
    {
        var taps = new GaussianTap[m];
        double ratio = (double)n / m, limit = 3 * ReduceSigma;
        for (int i = 0; i < m; i++)
        {
            double c = (i + 0.5) * ratio - 0.5;
            int first = (int)Math.Floor(c - limit) + 1, last = (int)Math.Ceiling(c + limit) - 1;
            var index = new List<int>();
            var weight = new List<double>();
            for (int x = first; x <= last; x++)
            {
                double d = x - c;
                if (Math.Abs(d) >= limit) continue;
                index.Add(Reflect(x, n));
                weight.Add(Math.Exp(-d * d / (2 * ReduceSigma * ReduceSigma)));
            }
            double sum = weight.Sum();
            taps[i] = new GaussianTap(index.ToArray(), weight.Select(v => (float)(v / sum)).ToArray());
        }
        return taps;
    }

    /// <summary>
    /// Resizes with bilinear interpolation, pixel centres aligned (output pixel o samples the input at
    /// (o + ½)·n/m − ½, as PyTorch's <c>interpolate(align_corners=False)</c> and OpenCV's INTER_LINEAR),
    /// edges clamped, no antialiasing. Used for the across-scale difference (surround level onto the centre
    /// level: consistent with <see cref="Reduce(Plane)"/>, whose geometry composes exactly) and for the output map.
    /// </summary>
    public static Plane ResizeBilinear(Plane src, int width, int height)
    {
        if (src.Width == width && src.Height == height) return new Plane(width, height, (float[])src.Data.Clone());
        var xs = BilinearTaps(width, src.Width);
        var ys = BilinearTaps(height, src.Height);
        var dst = new Plane(width, height);
        var s = src.Data;
        int sw = src.Width;
        var rowA = new float[width];
        var rowB = new float[width];
        int cachedA = -1, cachedB = -1;
        for (int y = 0; y < height; y++)
        {
            var ty = ys[y];
            if (ty.I0 != cachedA) { HorizontalRow(s, ty.I0 * sw, xs, rowA); cachedA = ty.I0; }
            if (ty.I1 != cachedB) { HorizontalRow(s, ty.I1 * sw, xs, rowB); cachedB = ty.I1; }
            var o = dst.Row(y);
            float f = ty.F, g = 1f - f;
            for (int x = 0; x < width; x++) o[x] = g * rowA[x] + f * rowB[x];
        }
        return dst;
    }

    private readonly record struct Tap(int I0, int I1, float F);

    private static Tap[] BilinearTaps(int outputSize, int inputSize)
    {
        var taps = new Tap[outputSize];
        double ratio = (double)inputSize / outputSize;
        for (int o = 0; o < outputSize; o++)
        {
            double u = (o + 0.5) * ratio - 0.5;
            if (u <= 0) { taps[o] = new Tap(0, 0, 0f); continue; }
            if (u >= inputSize - 1) { taps[o] = new Tap(inputSize - 1, inputSize - 1, 0f); continue; }
            int i0 = (int)u; // u > 0, so truncation is floor
            taps[o] = new Tap(i0, i0 + 1, (float)(u - i0));
        }
        return taps;
    }

    private static void HorizontalRow(float[] s, int offset, Tap[] xs, float[] row)
    {
        for (int x = 0; x < row.Length; x++)
        {
            var t = xs[x];
            row[x] = (1f - t.F) * s[offset + t.I0] + t.F * s[offset + t.I1];
        }
    }

    /// <summary>|a − b| elementwise, into a new plane.</summary>
    public static Plane AbsDiff(Plane a, Plane b)
    {
        var dst = new Plane(a.Width, a.Height);
        var x = a.Data; var y = b.Data; var o = dst.Data;
        int i = 0;
        for (; i <= o.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Abs(new Vector<float>(x, i) - new Vector<float>(y, i)).CopyTo(o, i);
        for (; i < o.Length; i++) o[i] = MathF.Abs(x[i] - y[i]);
        return dst;
    }

    /// <summary>acc += w·b elementwise.</summary>
    public static void AddScaled(Plane acc, Plane b, float w)
    {
        var a = acc.Data; var x = b.Data;
        var vw = new Vector<float>(w);
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(a, i) + vw * new Vector<float>(x, i)).CopyTo(a, i);
        for (; i < a.Length; i++) a[i] = a[i] + w * x[i];
    }

    /// <summary>acc += b elementwise.</summary>
    public static void Add(Plane acc, Plane b)
    {
        var a = acc.Data; var x = b.Data;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(a, i) + new Vector<float>(x, i)).CopyTo(a, i);
        for (; i < a.Length; i++) a[i] = a[i] + x[i];
    }

    /// <summary>
    /// 2-D correlation of <paramref name="src"/> with several (size × size) kernels at once, zero outside
    /// the plane: result_k(x, y) = Σ_ij kernel_k[i, j]·src(x + j − r, y + i − r), r = size/2. Taps are summed
    /// in row-major kernel order for every pixel.
    /// </summary>
    public static Plane[] CorrelateZeroPadded(Plane src, IReadOnlyList<float[]> kernels, int size)
    {
        int r = size / 2;
        int w = src.Width, h = src.Height;
        int pw = w + 2 * r, ph = h + 2 * r;
        var padded = new float[pw * ph];
        var s = src.Data;
        for (int y = 0; y < h; y++) s.AsSpan(y * w, w).CopyTo(padded.AsSpan((y + r) * pw + r, w));

        int nk = kernels.Count;
        var outputs = new Plane[nk];
        for (int k = 0; k < nk; k++) outputs[k] = new Plane(w, h);
        int vc = Vector<float>.Count;
        int taps = size * size;
        var offsets = new int[taps];
        for (int t = 0; t < taps; t++) offsets[t] = (t / size) * pw + t % size;
        var weights = new Vector<float>[nk * taps];
        for (int k = 0; k < nk; k++)
            for (int t = 0; t < taps; t++) weights[k * taps + t] = new Vector<float>(kernels[k][t]);

        for (int y = 0; y < h; y++)
        {
            int x = 0;
            for (; x <= w - vc; x += vc)
            {
                int origin = y * pw + x;
                int k = 0;
                // Four kernels per sweep share the loads; every accumulator sums its taps in kernel order.
                for (; k + 4 <= nk; k += 4)
                {
                    Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
                    int b0 = k * taps, b1 = b0 + taps, b2 = b1 + taps, b3 = b2 + taps;
                    for (int t = 0; t < taps; t++)
                    {
                        var v = new Vector<float>(padded, origin + offsets[t]);
                        a0 += weights[b0 + t] * v;
                        a1 += weights[b1 + t] * v;
                        a2 += weights[b2 + t] * v;
                        a3 += weights[b3 + t] * v;
                    }
                    a0.CopyTo(outputs[k].Data, y * w + x);
                    a1.CopyTo(outputs[k + 1].Data, y * w + x);
                    a2.CopyTo(outputs[k + 2].Data, y * w + x);
                    a3.CopyTo(outputs[k + 3].Data, y * w + x);
                }
                for (; k < nk; k++)
                {
                    var a = Vector<float>.Zero;
                    int b = k * taps;
                    for (int t = 0; t < taps; t++) a += weights[b + t] * new Vector<float>(padded, origin + offsets[t]);
                    a.CopyTo(outputs[k].Data, y * w + x);
                }
            }
            for (; x < w; x++)
            {
                int origin = y * pw + x;
                for (int k = 0; k < nk; k++)
                {
                    var kern = kernels[k];
                    float a = 0f;
                    for (int t = 0; t < taps; t++) a += kern[t] * padded[origin + offsets[t]];
                    outputs[k].Data[y * w + x] = a;
                }
            }
        }
        return outputs;
    }

    /// <summary>Separable Gaussian blur, standard deviation <paramref name="sigma"/> pixels, taps within ⌈3σ⌉, mirrored borders.</summary>
    public static Plane GaussianBlur(Plane src, double sigma)
    {
        if (sigma <= 0) return src;
        int r = (int)Math.Ceiling(3 * sigma);
        var k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = -r; i <= r; i++) k[i + r] = (float)(Math.Exp(-i * i / (2 * sigma * sigma)) / sum);
        int w = src.Width, h = src.Height;
        var tmp = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            var srow = src.Row(y);
            var trow = tmp.Row(y);
            for (int x = 0; x < w; x++)
            {
                float a = 0f;
                for (int i = -r; i <= r; i++) a += k[i + r] * srow[Reflect(x + i, w)];
                trow[x] = a;
            }
        }
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            var drow = dst.Row(y);
            for (int x = 0; x < w; x++)
            {
                float a = 0f;
                for (int i = -r; i <= r; i++) a += k[i + r] * tmp.Data[Reflect(y + i, h) * w + x];
                drow[x] = a;
            }
        }
        return dst;
    }
}
