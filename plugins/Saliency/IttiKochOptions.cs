using System.Globalization;
using System.Text;
using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Parameters of the built-in Itti–Koch saliency model (Itti, Koch &amp; Niebur 1998,
/// doi:10.1109/34.730558). Defaults follow the paper; where the paper gives no number, the
/// SaliencyToolbox (Walther &amp; Koch 2006) default is used. Config names are the camel-case property
/// names (<c>"gaborWavelength": 7</c>); the plugin README has the table.
/// </summary>
public sealed record IttiKochOptions
{
    /// <summary>Bumped whenever the computation changes in a way that changes maps; part of every fingerprint.</summary>
    public const string ImplementationVersion = "itti-koch-1";

    /// <summary>The paper's model with the documented defaults.</summary>
    public static IttiKochOptions Default { get; } = new();

    /// <summary>Levels of the dyadic Gaussian pyramid, level 0 being the image (paper: 9, scales 1:1 to 1:256).</summary>
    public int PyramidLevels { get; init; } = 9;

    /// <summary>Centre levels c of the centre–surround differences (paper: 2, 3, 4).</summary>
    public IReadOnlyList<int> CenterLevels { get; init; } = [2, 3, 4];

    /// <summary>Surround offsets δ, surround level s = c + δ (paper: 3, 4).</summary>
    public IReadOnlyList<int> SurroundDeltas { get; init; } = [3, 4];

    /// <summary>Pyramid level at which feature maps are summed into conspicuity maps and the saliency map lives (paper: 4).</summary>
    public int ConspicuityLevel { get; init; } = 4;

    /// <summary>M, the fixed range [0, M] that N(·) scales maps to (SaliencyToolbox: 10; only scales the result).</summary>
    public double NormalizationMax { get; init; } = 10;

    /// <summary>Fraction of M a local maximum must reach to count in m̄ (SaliencyToolbox: 1/10).</summary>
    public double LocalMaximaThreshold { get; init; } = 0.1;

    /// <summary>r, g, b are divided by I only where I exceeds this fraction of the image's maximum I, elsewhere set to 0 (paper: 1/10).</summary>
    public double ColorNormalizationThreshold { get; init; } = 0.1;

    /// <summary>Preferred bar orientations of the Gabor filters, degrees counter-clockwise from horizontal (paper: 0, 45, 90, 135).</summary>
    public IReadOnlyList<double> GaborOrientations { get; init; } = [0, 45, 90, 135];

    /// <summary>Wavelength (period) of the Gabor grating, in pixels of the pyramid level filtered (SaliencyToolbox: 7).</summary>
    public double GaborWavelength { get; init; } = 7;

    /// <summary>Standard deviation of the Gabor envelope, in pixels of the level (SaliencyToolbox: 7/3).</summary>
    public double GaborSigma { get; init; } = 7.0 / 3.0;

    /// <summary>Side of the square Gabor kernel, odd (SaliencyToolbox: 9).</summary>
    public int GaborSize { get; init; } = 9;

    /// <summary>Weight of the intensity conspicuity map N(Ī) in the saliency map (paper: 1/3).</summary>
    public double IntensityWeight { get; init; } = 1.0 / 3.0;

    /// <summary>Weight of the colour conspicuity map N(C̄) (paper: 1/3).</summary>
    public double ColorWeight { get; init; } = 1.0 / 3.0;

    /// <summary>Weight of the orientation conspicuity map N(Ō) (paper: 1/3).</summary>
    public double OrientationWeight { get; init; } = 1.0 / 3.0;

    /// <summary>
    /// Standard deviation of the final Gaussian blur of the saliency map, as a fraction of the image's longer
    /// side (applied at the conspicuity level); 0 disables it. Not in the paper, whose map feeds a
    /// winner-take-all network instead.
    /// </summary>
    public double BlurSigma { get; init; } = 0.02;

    /// <summary>Whether the final map is divided by its maximum (peak 1; an all-zero map stays zero).</summary>
    public bool NormalizeOutput { get; init; } = true;

    /// <summary>The option names <see cref="FromPluginOptions"/> reads.</summary>
    public static IReadOnlyList<string> OptionNames { get; } =
    [
        "pyramidLevels", "centerLevels", "surroundDeltas", "conspicuityLevel", "normalizationMax",
        "localMaximaThreshold", "colorNormalizationThreshold", "gaborOrientations", "gaborWavelength",
        "gaborSigma", "gaborSize", "intensityWeight", "colorWeight", "orientationWeight", "blurSigma",
        "normalizeOutput",
    ];

    /// <summary>Reads the options present in <paramref name="options"/> (others keep their defaults) and validates them.</summary>
    /// <param name="options">A config's options object; unknown keys are the caller's to reject.</param>
    /// <exception cref="ConfigurationErrorException">A value has the wrong type or is out of range.</exception>
    public static IttiKochOptions FromPluginOptions(PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var d = Default;
        var o = new IttiKochOptions
        {
            PyramidLevels = options.GetInt32("pyramidLevels", d.PyramidLevels),
            CenterLevels = IntList(options, "centerLevels", d.CenterLevels),
            SurroundDeltas = IntList(options, "surroundDeltas", d.SurroundDeltas),
            ConspicuityLevel = options.GetInt32("conspicuityLevel", d.ConspicuityLevel),
            NormalizationMax = options.GetDouble("normalizationMax", d.NormalizationMax),
            LocalMaximaThreshold = options.GetDouble("localMaximaThreshold", d.LocalMaximaThreshold),
            ColorNormalizationThreshold = options.GetDouble("colorNormalizationThreshold", d.ColorNormalizationThreshold),
            GaborOrientations = options.Has("gaborOrientations") ? options.GetDoubleList("gaborOrientations") : d.GaborOrientations,
            GaborWavelength = options.GetDouble("gaborWavelength", d.GaborWavelength),
            GaborSigma = options.GetDouble("gaborSigma", d.GaborSigma),
            GaborSize = options.GetInt32("gaborSize", d.GaborSize),
            IntensityWeight = options.GetDouble("intensityWeight", d.IntensityWeight),
            ColorWeight = options.GetDouble("colorWeight", d.ColorWeight),
            OrientationWeight = options.GetDouble("orientationWeight", d.OrientationWeight),
            BlurSigma = options.GetDouble("blurSigma", d.BlurSigma),
            NormalizeOutput = options.GetBoolean("normalizeOutput", d.NormalizeOutput),
        };
        o.Validate(options.Path);
        return o;
    }

    /// <summary>Checks every value; throws naming the option and what is allowed.</summary>
    /// <param name="path">Where the options came from (a JSON path), for messages.</param>
    /// <exception cref="ConfigurationErrorException">A value is out of range.</exception>
    public void Validate(string path = "options")
    {
        void Fail(string key, string message) => throw new ConfigurationErrorException($"{path}.{key}", message);
        if (PyramidLevels < 2 || PyramidLevels > 16) Fail("pyramidLevels", $"must be between 2 and 16; got {PyramidLevels}.");
        if (CenterLevels.Count == 0) Fail("centerLevels", "needs at least one level.");
        if (SurroundDeltas.Count == 0) Fail("surroundDeltas", "needs at least one offset.");
        if (CenterLevels.Distinct().Count() != CenterLevels.Count) Fail("centerLevels", "has a level twice.");
        if (SurroundDeltas.Distinct().Count() != SurroundDeltas.Count) Fail("surroundDeltas", "has an offset twice.");
        foreach (var c in CenterLevels)
            if (c < 0 || c > ConspicuityLevel)
                Fail("centerLevels", $"level {c} must be between 0 and the conspicuity level {ConspicuityLevel} (maps are reduced to it, never enlarged).");
        foreach (var delta in SurroundDeltas)
            if (delta < 1) Fail("surroundDeltas", $"offsets must be at least 1; got {delta}.");
        int deepest = CenterLevels.Max() + SurroundDeltas.Max();
        if (deepest >= PyramidLevels)
            Fail("pyramidLevels", $"the deepest surround level is {deepest} (centre {CenterLevels.Max()} + offset {SurroundDeltas.Max()}), so at least {deepest + 1} levels are needed; got {PyramidLevels}.");
        if (ConspicuityLevel < 0 || ConspicuityLevel >= PyramidLevels)
            Fail("conspicuityLevel", $"must be a pyramid level (0 to {PyramidLevels - 1}); got {ConspicuityLevel}.");
        if (!(NormalizationMax > 0) || double.IsInfinity(NormalizationMax)) Fail("normalizationMax", $"must be a positive number; got {NormalizationMax}.");
        if (!(LocalMaximaThreshold >= 0 && LocalMaximaThreshold < 1)) Fail("localMaximaThreshold", $"must be in [0, 1); got {LocalMaximaThreshold}.");
        if (!(ColorNormalizationThreshold >= 0 && ColorNormalizationThreshold < 1)) Fail("colorNormalizationThreshold", $"must be in [0, 1); got {ColorNormalizationThreshold}.");
        if (GaborOrientations.Count == 0) Fail("gaborOrientations", "needs at least one orientation.");
        foreach (var a in GaborOrientations)
            if (!double.IsFinite(a)) Fail("gaborOrientations", $"orientations must be finite numbers of degrees; got {a}.");
        if (!(GaborWavelength > 0) || double.IsInfinity(GaborWavelength)) Fail("gaborWavelength", $"must be a positive number of pixels; got {GaborWavelength}.");
        if (!(GaborSigma > 0) || double.IsInfinity(GaborSigma)) Fail("gaborSigma", $"must be a positive number of pixels; got {GaborSigma}.");
        if (GaborSize < 1 || GaborSize % 2 == 0 || GaborSize > 63) Fail("gaborSize", $"must be an odd number of pixels between 1 and 63; got {GaborSize}.");
        foreach (var (key, w) in new[] { ("intensityWeight", IntensityWeight), ("colorWeight", ColorWeight), ("orientationWeight", OrientationWeight) })
            if (!(w >= 0) || double.IsInfinity(w)) Fail(key, $"must be a non-negative number; got {w}.");
        if (!(IntensityWeight + ColorWeight + OrientationWeight > 0))
            Fail("intensityWeight", "the three channel weights (intensityWeight, colorWeight, orientationWeight) are all zero; at least one must be positive.");
        if (!(BlurSigma >= 0) || double.IsInfinity(BlurSigma)) Fail("blurSigma", $"must be a non-negative fraction of the image's longer side; got {BlurSigma}.");
    }

    /// <summary>A stable text form of every parameter and the implementation version, for fingerprints and reports.</summary>
    public string ToCanonicalString()
    {
        var inv = CultureInfo.InvariantCulture;
        string D(double v) => v.ToString("R", inv);
        var sb = new StringBuilder(ImplementationVersion);
        sb.Append(inv, $";pyramidLevels={PyramidLevels};centerLevels={string.Join(",", CenterLevels)};surroundDeltas={string.Join(",", SurroundDeltas)}");
        sb.Append(inv, $";conspicuityLevel={ConspicuityLevel};normalizationMax={D(NormalizationMax)};localMaximaThreshold={D(LocalMaximaThreshold)}");
        sb.Append(inv, $";colorNormalizationThreshold={D(ColorNormalizationThreshold)};gaborOrientations={string.Join(",", GaborOrientations.Select(D))}");
        sb.Append(inv, $";gaborWavelength={D(GaborWavelength)};gaborSigma={D(GaborSigma)};gaborSize={GaborSize}");
        sb.Append(inv, $";weights={D(IntensityWeight)},{D(ColorWeight)},{D(OrientationWeight)};blurSigma={D(BlurSigma)};normalizeOutput={NormalizeOutput}");
        return sb.ToString();
    }

    private static IReadOnlyList<int> IntList(PluginOptions options, string key, IReadOnlyList<int> fallback)
    {
        if (!options.Has(key)) return fallback;
        var values = options.GetDoubleList(key);
        var result = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] != Math.Floor(values[i]) || Math.Abs(values[i]) > 1000)
                throw new ConfigurationErrorException($"{options.Path}.{key}[{i}]", $"expected an integer, found {values[i].ToString(CultureInfo.InvariantCulture)}.");
            result[i] = (int)values[i];
        }
        return result;
    }
}
