using System.Numerics;
using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Bottom-up saliency after Itti, Koch &amp; Niebur (1998), "A model of saliency-based visual attention
/// for rapid scene analysis", IEEE TPAMI 20(11):1254–1259, doi:10.1109/34.730558. Needs no weights.
/// </summary>
/// <remarks>
/// <para>Steps (paper §2; choices it leaves open in brackets; plugins/Saliency/README.md has the table):</para>
/// <list type="number">
/// <item>I = (r + g + b)/3. r, g, b are divided by I where I &gt; 1/10 of the image's maximum I, elsewhere
/// set to 0. R = r − (g + b)/2, G = g − (r + b)/2, B = b − (r + g)/2, Y = (r + g)/2 − |r − g|/2 − b, negative
/// values set to 0.</item>
/// <item>Dyadic Gaussian pyramids (9 levels, each ⌈n/2⌉ pixels per side) of I, R − G and B − Y (a pyramid is
/// linear, so this equals the difference of the R, G, B, Y pyramids) [Gaussian σ = 1 fine pixel, pixel centres
/// aligned, mirrored borders]. Orientation maps O(σ, θ): the intensity pyramid filtered with zero-mean
/// cosine Gabor kernels at θ = 0°, 45°, 90°, 135° [restricted to the image at its borders].</item>
/// <item>Centre–surround differences at c ∈ {2, 3, 4}, s = c + 3, c + 4: the surround level is interpolated
/// bilinearly to the centre level and the absolute difference taken: I(c, s) = |I(c) ⊖ I(s)|,
/// RG(c, s) = |(R − G)(c) ⊖ (R − G)(s)|, BY(c, s) = |(B − Y)(c) ⊖ (B − Y)(s)| [the double-opponent reading of
/// the paper's (R(c) − G(c)) ⊖ (G(s) − R(s))], O(c, s, θ) = |O(c, θ) ⊖ O(s, θ)|. 42 feature maps.</item>
/// <item>Each feature map is normalised by N(·) (see <c>MapNormalization</c>), reduced to level 4 and summed:
/// Ī = ⊕ N(I(c, s)), C̄ = ⊕ N(RG(c, s)) + ⊕ N(BY(c, s)), Ō = Σ_θ N(⊕ N(O(c, s, θ))).</item>
/// <item>S = w_I·N(Ī) + w_C·N(C̄) + w_O·N(Ō) (w = 1/3 each), blurred [σ = 2% of the longer image side],
/// resampled bilinearly onto the requested output grid and scaled to peak 1.</item>
/// </list>
/// <para>Unlike the public Python implementation (pySaliencyMap) used by the seed study, the 135° channel
/// is computed with the 135° kernel (pySaliencyMap appends its 45° maps a second time) and images are
/// read as RGB (pySaliencyMap splits its input as B, G, R, so an RGB array is read with red and blue swapped).</para>
/// <para>Instances are immutable and thread-safe: one instance may serve many threads. One computation runs
/// on the calling thread; its result depends only on the image and the options (not on thread count or
/// SIMD width), byte for byte.</para>
/// </remarks>
public sealed class IttiKochSaliency
{
    private readonly GaborBank _gabor;

    /// <summary>The model with the paper's defaults.</summary>
    public IttiKochSaliency()
        : this(IttiKochOptions.Default)
    {
    }

    /// <summary>The model with <paramref name="options"/>.</summary>
    /// <param name="options">Validated parameters.</param>
    /// <exception cref="RepLens.Abstractions.ConfigurationErrorException">An option is out of range.</exception>
    public IttiKochSaliency(IttiKochOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _gabor = new GaborBank(options.GaborOrientations, options.GaborWavelength, options.GaborSigma, options.GaborSize);
    }

    /// <summary>The parameters.</summary>
    public IttiKochOptions Options { get; }

    /// <summary>The saliency map at the image's size (Height × Width).</summary>
    /// <param name="image">The image.</param>
    public SaliencyMap Compute(ColorPlanes image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Compute(image, image.Width, image.Height);
    }

    /// <summary>
    /// The saliency map sampled directly on a (<paramref name="height"/> × <paramref name="width"/>) grid
    /// covering the image — one interpolation from the model's coarse map, e.g. the 224 × 224 maps of the
    /// saliency RDM. Equals <see cref="Compute(ColorPlanes)"/> when the size is the image's.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    public SaliencyMap Compute(ColorPlanes image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"The output map needs at least 1 × 1 pixels; got {width} × {height}.");
        var maps = Run(image);
        var plane = new Plane(maps.Saliency.Width, maps.Saliency.Height, maps.Saliency.Data);
        var output = PlaneOps.ResizeBilinear(plane, width, height);
        if (Options.NormalizeOutput) ScaleToPeakOne(output.Data);
        return output.ToMap();
    }

    /// <summary>The saliency map of an 8-bit image (as decoded by <c>RepLens.Imaging.ImageDecoder</c>) at its size.</summary>
    /// <param name="image">The image.</param>
    public SaliencyMap Compute(RgbImage image) => Compute(ColorPlanes.FromRgbImage(image));

    /// <summary>The saliency map of an 8-bit image sampled on a (<paramref name="height"/> × <paramref name="width"/>) grid.</summary>
    /// <param name="image">The image.</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    public SaliencyMap Compute(RgbImage image, int width, int height) => Compute(ColorPlanes.FromRgbImage(image), width, height);

    /// <summary>The conspicuity maps and the coarse saliency map, at the conspicuity level.</summary>
    /// <param name="image">The image.</param>
    public IttiKochMaps ComputeMaps(ColorPlanes image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Run(image);
    }

    private IttiKochMaps Run(ColorPlanes image)
    {
        CheckFinite(image);
        var o = Options;
        int w = image.Width, h = image.Height;
        int n = w * h;
        int deepest = o.CenterLevels.Max() + o.SurroundDeltas.Max();
        int top = Math.Max(deepest, o.ConspicuityLevel);

        // Level 0: intensity and the two opponent channels.
        var intensity = new Plane(w, h);
        var rg = new Plane(w, h);
        var by = new Plane(w, h);
        ColorChannels(image, intensity.Data, rg.Data, by.Data, (float)o.ColorNormalizationThreshold);

        var iPyr = Pyramid(intensity, top);
        var rgPyr = Pyramid(rg, top);
        var byPyr = Pyramid(by, top);

        float m = (float)o.NormalizationMax, thr = (float)o.LocalMaximaThreshold;
        int lc = o.ConspicuityLevel;

        var iBar = AcrossScaleSum(iPyr, lc, m, thr);
        var rgBar = AcrossScaleSum(rgPyr, lc, m, thr);
        var byBar = AcrossScaleSum(byPyr, lc, m, thr);
        var cBar = Copy(rgBar);
        PlaneOps.Add(cBar, byBar);

        // Orientation pyramids: Gabor filtering of every intensity level a centre or surround uses.
        var levels = new SortedSet<int>();
        foreach (var c in o.CenterLevels)
        {
            levels.Add(c);
            foreach (var d in o.SurroundDeltas) levels.Add(c + d);
        }
        var oPyr = new Plane[_gabor.Count][];
        for (int k = 0; k < _gabor.Count; k++) oPyr[k] = new Plane[top + 1];
        foreach (var level in levels)
        {
            var filtered = _gabor.Filter(iPyr[level]);
            for (int k = 0; k < _gabor.Count; k++) oPyr[k][level] = filtered[k];
        }
        var perOrientation = new SaliencyMap[_gabor.Count];
        Plane? oBar = null;
        for (int k = 0; k < _gabor.Count; k++)
        {
            var ok = AcrossScaleSum(oPyr[k], lc, m, thr);
            MapNormalization.Normalize(ok, m, thr);
            perOrientation[k] = ok.ToMap();
            if (oBar is null) oBar = Copy(ok);
            else PlaneOps.Add(oBar, ok);
        }

        MapNormalization.Normalize(iBar, m, thr);
        MapNormalization.Normalize(cBar, m, thr);
        MapNormalization.Normalize(oBar!, m, thr);

        var s = new Plane(iBar.Width, iBar.Height);
        PlaneOps.AddScaled(s, iBar, (float)o.IntensityWeight);
        PlaneOps.AddScaled(s, cBar, (float)o.ColorWeight);
        PlaneOps.AddScaled(s, oBar!, (float)o.OrientationWeight);
        double sigma = o.BlurSigma * Math.Max(w, h) / (1 << lc);
        s = PlaneOps.GaussianBlur(s, sigma);

        return new IttiKochMaps(lc, iBar.ToMap(), cBar.ToMap(), oBar!.ToMap(), rgBar.ToMap(), byBar.ToMap(), perOrientation, s.ToMap());
    }

    /// <summary>⊕ over c, s of N(|P(c) ⊖ P(s)|), each centre level's sum reduced to <paramref name="lc"/>.</summary>
    private Plane AcrossScaleSum(Plane[] pyramid, int lc, float m, float thr)
    {
        Plane? total = null;
        foreach (var c in Options.CenterLevels)
        {
            Plane? atC = null;
            foreach (var d in Options.SurroundDeltas)
            {
                int s = c + d;
                var center = pyramid[c];
                var surround = PlaneOps.ResizeBilinear(pyramid[s], center.Width, center.Height);
                var f = PlaneOps.AbsDiff(center, surround);
                MapNormalization.Normalize(f, m, thr);
                if (atC is null) atC = f;
                else PlaneOps.Add(atC, f);
            }
            var reduced = PlaneOps.Reduce(atC!, lc - c);
            if (total is null) total = reduced;
            else PlaneOps.Add(total, reduced);
        }
        return total!;
    }

    private static Plane[] Pyramid(Plane level0, int top)
    {
        var p = new Plane[top + 1];
        p[0] = level0;
        for (int i = 1; i <= top; i++) p[i] = PlaneOps.Reduce(p[i - 1]);
        return p;
    }

    /// <summary>Intensity and the clamped broadly tuned opponent channels R − G and B − Y at full resolution.</summary>
    internal static void ColorChannels(ColorPlanes image, float[] intensity, float[] rg, float[] by, float threshold)
    {
        var r = image.Red; var g = image.Green; var b = image.Blue;
        int n = intensity.Length, vc = Vector<float>.Count;
        var third = new Vector<float>(3f);
        var vmax = Vector<float>.Zero;
        int i = 0;
        for (; i <= n - vc; i += vc)
        {
            var v = (new Vector<float>(r, i) + new Vector<float>(g, i) + new Vector<float>(b, i)) / third;
            v.CopyTo(intensity, i);
            vmax = Vector.Max(vmax, v);
        }
        float maxI = 0f;
        for (int k = 0; k < vc; k++) maxI = MathF.Max(maxI, vmax[k]);
        for (; i < n; i++)
        {
            float v = (r[i] + g[i] + b[i]) / 3f;
            intensity[i] = v;
            maxI = MathF.Max(maxI, v);
        }

        float limit = MathF.Max(threshold * maxI, 0f);
        var vlimit = new Vector<float>(limit);
        var two = new Vector<float>(2f);
        var zero = Vector<float>.Zero;
        i = 0;
        for (; i <= n - vc; i += vc)
        {
            var v = new Vector<float>(intensity, i);
            var keep = Vector.GreaterThan(v, vlimit); // v > limit ≥ 0, so no division by zero is kept
            var safe = Vector.ConditionalSelect(keep, v, Vector<float>.One);
            var rn = new Vector<float>(r, i) / safe;
            var gn = new Vector<float>(g, i) / safe;
            var bn = new Vector<float>(b, i) / safe;
            var red = Vector.Max(zero, rn - (gn + bn) / two);
            var green = Vector.Max(zero, gn - (rn + bn) / two);
            var blue = Vector.Max(zero, bn - (rn + gn) / two);
            var yellow = Vector.Max(zero, (rn + gn) / two - Vector.Abs(rn - gn) / two - bn);
            Vector.ConditionalSelect(keep, red - green, zero).CopyTo(rg, i);
            Vector.ConditionalSelect(keep, blue - yellow, zero).CopyTo(by, i);
        }
        for (; i < n; i++)
        {
            float v = intensity[i];
            if (!(v > limit))
            {
                rg[i] = 0f;
                by[i] = 0f;
                continue;
            }
            float rn = r[i] / v, gn = g[i] / v, bn = b[i] / v;
            float red = MathF.Max(0f, rn - (gn + bn) / 2f);
            float green = MathF.Max(0f, gn - (rn + bn) / 2f);
            float blue = MathF.Max(0f, bn - (rn + gn) / 2f);
            float yellow = MathF.Max(0f, (rn + gn) / 2f - MathF.Abs(rn - gn) / 2f - bn);
            rg[i] = red - green;
            by[i] = blue - yellow;
        }
    }

    private static void CheckFinite(ColorPlanes image)
    {
        foreach (var (name, plane) in new[] { ("red", image.Red), ("green", image.Green), ("blue", image.Blue) })
        {
            for (int i = 0; i < plane.Length; i++)
            {
                if (!float.IsFinite(plane[i]))
                    throw new ArgumentException(
                        $"The image's {name} value at x = {i % image.Width}, y = {i / image.Width} is {plane[i]}; pixel values must be finite (in [0, 1]).",
                        nameof(image));
            }
        }
    }

    private static void ScaleToPeakOne(float[] d)
    {
        float max = 0f;
        foreach (var v in d) if (v > max) max = v;
        if (max <= 0f) return;
        for (int i = 0; i < d.Length; i++) d[i] /= max;
    }

    private static Plane Copy(Plane p) => new(p.Width, p.Height, (float[])p.Data.Clone());
}
