using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Distractors;
using RepLens.Host.Figures;
using RepLens.Host.Run;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "distractor-rsa"</c>: the causal half of the seed study. For each model, selected layer, condition
/// of a distractor set (built by <c>replens distractors</c>) and target, ΔRSA = ρ(RDM_layer[condition],
/// RDM_target[baseline]) − ρ(RDM_layer[baseline], RDM_target[baseline]): how much pasting a distractor moves the
/// layer's alignment with the *original* images' saliency or semantics. The run's stimuli are the baseline;
/// the condition RDMs are over the edited images in the same stimulus order. Bootstrap CIs over stimuli resample
/// the same stimuli in both terms; p-values come from the same bootstrap and are corrected across layers.
/// </summary>
internal sealed class DistractorRsaAnalysis : IAnalysisKind
{
    public const string KindName = "distractor-rsa";

    public string Kind => KindName;

    public string Question => "How much does pasting a salient or semantically (dis)similar distractor change each layer's alignment with the original images' saliency and semantics?";

    public IReadOnlyList<string> References { get; } = new[]
    {
        Citations.Kriegeskorte2008, Citations.Nili2014, Citations.Efron1993, Citations.BenjaminiHochberg1995,
        Citations.IttiKoch1998 + " (the built-in saliency model of the distractor builder)",
    };

    /// <summary>Columns of <c>tables/distractor_rsa.csv</c>; the first twelve are the contract of the issue that specified it.</summary>
    public static readonly string[] Columns =
    {
        "model", "layer", "depth", "condition", "target", "rsa_baseline", "rsa_condition", "delta", "abs_delta", "ci_low", "ci_high", "p_fdr",
        "p", "relative_depth", "network_name", "comparison", "layer_metric", "target_metric", "bootstrap", "confidence_level", "n_stimuli",
    };

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var folder = reader.String("distractors", required: true, expected: "the folder of a distractor set (the --out of `replens distractors`)");
        string full = "";
        if (folder is not null)
        {
            full = Path.GetFullPath(folder, context.BaseDirectory);
            if (!File.Exists(Path.Combine(full, DistractorSet.TableName)))
                context.Errors.Add(reader.At("distractors"), $"'{full}' holds no {DistractorSet.TableName}; build the set first with `replens distractors --out {full}`.");
        }
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        var targets = context.Resolve(reader.StringList("targets"), context.TargetNames, reader.At("targets"), "target");
        if (context.ModelNames.Count == 0) context.Errors.Add(reader.Path, "distractor-rsa needs at least one entry in $.models.");
        if (context.TargetNames.Count == 0) context.Errors.Add(reader.Path, "distractor-rsa needs at least one entry in $.targets (e.g. saliency and semantics of the baseline images).");
        var names = reader.StringList("conditions");
        var conditions = new List<DistractorCondition>();
        for (int i = 0; i < names.Count; i++)
        {
            if (DistractorConditions.TryParse(names[i], out var c)) conditions.Add(c);
            else context.Errors.Add($"{reader.At("conditions")}[{i}]", $"'{names[i]}' is not a condition; expected one of: {string.Join(", ", DistractorConditions.All.Select(DistractorConditions.Name))}.");
        }
        var figure = reader.String("figure", expected: "\"absolute\" (|ΔRSA|, the seed paper's figure) or \"signed\"") ?? "absolute";
        if (figure is not ("absolute" or "signed")) context.Errors.Add(reader.At("figure"), $"'{figure}' is not valid; expected \"absolute\" or \"signed\".");
        return new DistractorRsaSettings(
            full, models, targets, conditions,
            reader.Enum("layerMetric", DistanceMetric.Cosine),
            RsaInference.Read(reader, permutations: false, minBootstrap: 2),
            figure != "signed");
    }

    public void Run(RunContext context, object settings)
    {
        var s = (DistractorRsaSettings)settings;
        var set = DistractorSet.Read(s.Distractors);
        var conditions = s.Conditions.Count == 0 ? set.Conditions : s.Conditions;
        foreach (var c in conditions)
            if (!set.Conditions.Contains(c))
                throw new InvalidDataException($"{set.TablePath}: the set has no '{DistractorConditions.Name(c)}' images (it has: {string.Join(", ", set.Conditions.Select(DistractorConditions.Name))}).");
        var kept = KeptTargets(context, set);
        var outputs = new List<string>();

        var rows = new List<string[]>();
        foreach (var modelName in s.Models)
        {
            var model = context.Model(modelName);
            var tables = conditions.ToDictionary(c => c, c => set.ConditionTable(c, kept));
            var results = new Dictionary<(string Target, DistractorCondition Condition), Result[]>();
            foreach (var targetName in s.Targets)
                foreach (var c in conditions)
                    results[(targetName, c)] = new Result[model.Layers.Count];
            for (int i = 0; i < model.Layers.Count; i++)
            {
                var layer = model.Layers[i];
                var baseline = context.LayerRdm(model, layer, s.LayerMetric).Select(kept);
                foreach (var c in conditions)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    var path = Path.Combine(context.Output.Rdms, model.Name, "distractors", DistractorConditions.Name(c),
                        Path.GetFileName(context.Output.LayerRdm(model.Name, layer, s.LayerMetric)));
                    var condition = context.LayerRdm(model, layer, s.LayerMetric, tables[c], path);
                    foreach (var targetName in s.Targets)
                    {
                        var target = context.TargetRdm(context.Target(targetName)).Select(kept);
                        var seed = context.DeriveSeed(Kind, "bootstrap", model.Name, layer.Name, DistractorConditions.Name(c), targetName);
                        results[(targetName, c)][i] = Compute(condition, baseline, target, s.Inference.Comparison, s.Inference.Bootstrap, seed, s.Inference.ConfidenceLevel);
                    }
                }
            }

            var panels = new List<(string Title, IReadOnlyList<LineSeriesData> Series)>();
            var x = model.Layers.Select(model.RelativeDepth).ToList();
            foreach (var targetName in s.Targets)
            {
                var target = context.Target(targetName);
                var series = new List<LineSeriesData>();
                foreach (var c in conditions)
                {
                    var r = results[(targetName, c)];
                    var adjusted = FalseDiscovery.Correct(r.Select(v => v.P).ToArray(), s.Inference.Correction).Adjusted;
                    for (int i = 0; i < r.Length; i++)
                    {
                        var layer = model.Layers[i];
                        rows.Add(new[]
                        {
                            model.Name, layer.Name, layer.Depth.ToString(CultureInfo.InvariantCulture), DistractorConditions.Name(c), targetName,
                            F(r[i].Baseline), F(r[i].Condition), F(r[i].Delta), F(Math.Abs(r[i].Delta)), F(r[i].Low), F(r[i].High), F(adjusted[i]),
                            F(r[i].P), F(model.RelativeDepth(layer)), layer.NetworkName, EnumNames.Name(s.Inference.Comparison), EnumNames.Name(s.LayerMetric),
                            EnumNames.Name(target.Metric), s.Inference.Bootstrap.ToString(CultureInfo.InvariantCulture), F(s.Inference.ConfidenceLevel),
                            kept.Count.ToString(CultureInfo.InvariantCulture),
                        });
                    }
                    int colour = Array.IndexOf(DistractorConditions.All, c);
                    series.Add(s.FigureAbsolute
                        ? new LineSeriesData(DistractorConditions.Name(c), x, r.Select(v => Math.Abs(v.Delta)).ToList(),
                            Marked: adjusted.Select(q => q < 0.05).ToList(), ColorIndex: colour)
                        : new LineSeriesData(DistractorConditions.Name(c), x, r.Select(v => v.Delta).ToList(), r.Select(v => v.Low).ToList(),
                            r.Select(v => v.High).ToList(), Marked: adjusted.Select(q => q < 0.05).ToList(), ColorIndex: colour));
                }
                panels.Add(($"{model.Name} · {targetName}", series));
            }
            var figure = context.Output.Figure("distractor_rsa_" + LayerDescription.MakeSafe(model.Name));
            Directory.CreateDirectory(context.Output.Figures);
            PanelFigures.SaveLines(figure, panels, "relative layer depth",
                s.FigureAbsolute ? "|ΔRSA| = |ρ(condition) − ρ(baseline)|" : "ΔRSA = ρ(condition) − ρ(baseline)",
                $"{kept.Count} baseline images; {EnumNames.Name(s.Inference.Comparison)} with the baseline's target RDMs; filled points: p_{EnumNames.Name(s.Inference.Correction)} < 0.05" +
                (s.FigureAbsolute ? "" : $"; bands: {s.Inference.ConfidenceLevel:P0} bootstrap CI"),
                horizontalLines: s.FigureAbsolute ? null : new[] { (0.0, "") });
            outputs.Add(context.Output.Relative(figure + ".png"));
            outputs.Add(context.Output.Relative(figure + ".svg"));
        }

        var table = context.Output.Table("distractor_rsa");
        CsvTable.Write(table, Columns, rows);
        outputs.Add(context.Output.Relative(table));
        context.Manifest.Outputs.AddRange(outputs);
        context.Manifest.Analyses.Add(new RunManifest.AnalysisInfo(Kind, Question, new Dictionary<string, string>
        {
            ["distractors"] = set.Folder,
            ["distractorsSha256"] = ContentHash.OfFile(set.TablePath),
            ["conditions"] = string.Join(", ", conditions.Select(DistractorConditions.Name)),
            ["baselineImages"] = kept.Count.ToString(CultureInfo.InvariantCulture),
            ["leftOut"] = (context.Stimuli.Count - kept.Count).ToString(CultureInfo.InvariantCulture) + " run stimuli without a distractor set entry (dropped by the builder)",
            ["comparison"] = EnumNames.Name(s.Inference.Comparison),
            ["layerMetric"] = EnumNames.Name(s.LayerMetric),
            ["delta"] = "ρ(layer RDM over the condition's edited images, target RDM of the baseline images) − ρ(layer RDM over the baseline images, same target RDM), same stimulus order",
            ["bootstrap"] = s.Inference.Bootstrap.ToString(CultureInfo.InvariantCulture) + " resamples of the baseline images, the same images in both terms (percentile CI)",
            ["confidenceLevel"] = s.Inference.ConfidenceLevel.ToString(CultureInfo.InvariantCulture),
            ["pValue"] = "two-sided bootstrap p = min(1, 2·min(1 + #{Δ* ≤ 0}, 1 + #{Δ* ≥ 0}) / (1 + B))",
            ["correction"] = EnumNames.Name(s.Inference.Correction) + " across the layers of each model, condition and target",
        }, outputs, References));
    }

    /// <summary>One layer × condition × target: the two correlations, their difference with its bootstrap interval and p-value.</summary>
    internal sealed record Result(double Baseline, double Condition, double Delta, double Low, double High, double P);

    /// <summary>
    /// ΔRSA of one layer, condition and target; <paramref name="condition"/>, <paramref name="baseline"/> and
    /// <paramref name="target"/> are over the same N baseline images by position (the condition RDM's ids are the edited images').
    /// </summary>
    internal static Result Compute(Rdm condition, Rdm baseline, Rdm target, ComparisonMethod method, int samples, ulong seed, double confidence)
    {
        double rb = RdmComparer.Compare(baseline.Condensed, target.Condensed, method);
        double rc = RdmComparer.Compare(condition.Condensed, target.Condensed, method);
        var boot = StimulusBootstrap.CompareDifference(condition, baseline, target, method, samples, seed, confidence);
        return new Result(rb, rc, rc - rb, boot.Lower, boot.Upper, BootstrapP(boot.Samples));
    }

    /// <summary>
    /// Two-sided bootstrap p-value of H0: Δ = 0 — twice the smaller tail of the bootstrap distribution at zero,
    /// with the add-one rule, p = min(1, 2·min(1 + #{Δ* ≤ 0}, 1 + #{Δ* ≥ 0}) / (1 + B)) over the B defined samples;
    /// p &lt; 1 − level exactly when the percentile interval of that level excludes 0 (up to the add-one rule).
    /// NaN when no sample is defined.
    /// </summary>
    internal static double BootstrapP(IReadOnlyList<double> samples)
    {
        int below = 0, above = 0, n = 0;
        foreach (var v in samples)
        {
            if (double.IsNaN(v)) continue;
            n++;
            if (v <= 0) below++;
            if (v >= 0) above++;
        }
        return n == 0 ? double.NaN : Math.Min(1.0, 2.0 * Math.Min(1 + below, 1 + above) / (1 + n));
    }

    /// <summary>The set's targets in the run's stimulus order, checked against the run's images.</summary>
    private static List<string> KeptTargets(RunContext context, DistractorSet set)
    {
        var missing = set.TargetIds.Where(t => context.Stimuli.IndexOf(t) < 0).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{set.TablePath}: {missing.Count} target{(missing.Count == 1 ? " is" : "s are")} not among the run's stimuli ({context.Stimuli.Source}): " +
                $"{string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}. The run's stimuli must be the baseline images the set was built from.");
        var inSet = set.TargetIds.ToHashSet(StringComparer.Ordinal);
        var kept = context.Stimuli.Ids.Where(inSet.Contains).ToList();
        foreach (var id in kept)
        {
            if (!set.TargetSha256.TryGetValue(id, out var expected)) continue;
            var image = context.Stimuli[context.Stimuli.IndexOf(id)].ImagePath;
            if (!string.Equals(ContentHash.OfFile(image), expected, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException(
                    $"{set.TablePath}: the run's image of stimulus '{id}' ({image}) is not the baseline image the distractor set was built from (SHA-256 differs).");
        }
        if (kept.Count < 3)
            throw new InvalidDataException($"{set.TablePath}: only {kept.Count} baseline images have distractors; ΔRSA with a bootstrap over stimuli needs at least 3.");
        if (kept.Count < context.Stimuli.Count)
            context.Log.LogInformation("distractor-rsa: {Kept} of {Total} run stimuli have distractors; the others are left out of both terms", kept.Count, context.Stimuli.Count);
        return kept;
    }

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
