using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Figures;
using RepLens.Host.Run;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "target-rsa"</c>: for each model and each selected layer, the layer RDM compared with
/// every target RDM (Spearman by default), with permutation p-values, bootstrap confidence intervals
/// and a correction across layers — the analysis of the seed paper's Figure 2.
/// </summary>
internal sealed class TargetRsaAnalysis : IAnalysisKind
{
    public const string KindName = "target-rsa";

    public string Kind => KindName;

    public string Question => "How closely does each layer's representational geometry match each target's (category, saliency, semantics)?";

    public IReadOnlyList<string> References { get; } = new[]
    {
        Citations.Kriegeskorte2008, Citations.Nili2014, Citations.BenjaminiHochberg1995, Citations.Efron1993,
    };

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        var targets = context.Resolve(reader.StringList("targets"), context.TargetNames, reader.At("targets"), "target");
        if (context.ModelNames.Count == 0) context.Errors.Add(reader.Path, "target-rsa needs at least one entry in $.models.");
        if (context.TargetNames.Count == 0) context.Errors.Add(reader.Path, "target-rsa needs at least one entry in $.targets.");
        return new TargetRsaSettings(
            models,
            targets,
            reader.Enum("layerMetric", DistanceMetric.Cosine),
            RsaInference.Read(reader));
    }

    /// <summary>Columns of <c>tables/target_rsa.csv</c>; the first nine are the contract of the issue that specified it.</summary>
    public static readonly string[] Columns =
    {
        "model", "layer", "depth", "target", "r", "p", "p_fdr", "ci_low", "ci_high",
        "relative_depth", "network_name", "comparison", "layer_metric", "target_metric", "permutations", "bootstrap", "n_stimuli",
    };

    public IEnumerable<(string Model, DistanceMetric Metric)> LayerRdms(object settings) =>
        ((TargetRsaSettings)settings).Models.Select(m => (m, ((TargetRsaSettings)settings).LayerMetric));

    public void Run(RunContext context, object settings)
    {
        var s = (TargetRsaSettings)settings;
        var rows = new List<string[]>();
        var series = new List<LineSeriesData>();
        // RDMs first, so that each long step has its own progress (one live display at a time): the
        // extraction, the layer RDMs, the targets, then the tests.
        var layerRdms = s.Models.ToDictionary(m => m, m => context.LayerRdms(context.Model(m), s.LayerMetric), StringComparer.Ordinal);
        foreach (var targetName in s.Targets) context.TargetRdm(context.Target(targetName));
        long total = s.Models.Sum(m => (long)context.Model(m).Layers.Count) * s.Targets.Count, done = 0;
        using var progress = context.Progress.Start(Kind, total, "layer comparisons");
        foreach (var modelName in s.Models)
        {
            var model = context.Model(modelName);
            foreach (var targetName in s.Targets)
            {
                var target = context.Target(targetName);
                var targetRdm = context.TargetRdm(target);
                int n = model.Layers.Count;
                var r = new double[n];
                var p = new double[n];
                var low = new double[n];
                var high = new double[n];
                for (int i = 0; i < n; i++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    var layer = model.Layers[i];
                    var layerRdm = layerRdms[modelName][i];
                    r[i] = RdmComparer.Compare(layerRdm, targetRdm, s.Inference.Comparison);
                    p[i] = s.Inference.Permutations > 0
                        ? PermutationTest.Run(targetRdm, layerRdm, s.Inference.Comparison, s.Inference.Permutations,
                            context.DeriveSeed(Kind, "permutation", model.Name, layer.Name, target.Name)).PValue
                        : double.NaN;
                    if (s.Inference.Bootstrap > 0)
                    {
                        var ci = StimulusBootstrap.Compare(layerRdm, targetRdm, s.Inference.Comparison, s.Inference.Bootstrap,
                            context.DeriveSeed(Kind, "bootstrap", model.Name, layer.Name, target.Name), s.Inference.ConfidenceLevel);
                        (low[i], high[i]) = (ci.Lower, ci.Upper);
                    }
                    else
                    {
                        (low[i], high[i]) = (double.NaN, double.NaN);
                    }
                    progress.Report(++done);
                }
                var adjusted = s.Inference.Permutations > 0 ? FalseDiscovery.Correct(p, s.Inference.Correction).Adjusted : p.Select(_ => double.NaN).ToArray();
                for (int i = 0; i < n; i++)
                {
                    var layer = model.Layers[i];
                    rows.Add(new[]
                    {
                        model.Name, layer.Name, layer.Depth.ToString(CultureInfo.InvariantCulture), target.Name,
                        F(r[i]), F(p[i]), F(adjusted[i]), F(low[i]), F(high[i]),
                        F(model.RelativeDepth(layer)), layer.NetworkName, EnumNames.Name(s.Inference.Comparison), EnumNames.Name(s.LayerMetric),
                        EnumNames.Name(target.Metric), s.Inference.Permutations.ToString(CultureInfo.InvariantCulture),
                        s.Inference.Bootstrap.ToString(CultureInfo.InvariantCulture), context.Stimuli.Count.ToString(CultureInfo.InvariantCulture),
                    });
                }
                var x = model.Layers.Select(model.RelativeDepth).ToList();
                series.Add(new LineSeriesData($"{model.Name} · {target.Name}", x, r,
                    s.Inference.Bootstrap > 0 ? low : null, s.Inference.Bootstrap > 0 ? high : null,
                    Marked: s.Inference.Permutations > 0 ? adjusted.Select(q => q < 0.05).ToList() : null));
                var best = Array.IndexOf(r, r.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max());
                if (best >= 0)
                    context.Log.LogInformation("target-rsa {Model} × {Target}: highest {Method} r = {R:0.000} at {Layer}", model.Name, target.Name,
                        EnumNames.Name(s.Inference.Comparison), r[best], model.Layers[best].Name);
            }
        }

        var table = context.Output.Table("target_rsa");
        CsvTable.Write(table, Columns, rows);
        var figure = context.Output.Figure("target_rsa");
        FigureWriter.SaveLines(figure, "Layer RDMs vs target RDMs",
            "relative layer depth", $"{EnumNames.Name(s.Inference.Comparison)} r (layer RDM, target RDM)", series,
            subtitle: $"{context.Stimuli.Count} stimuli; layer RDMs: {EnumNames.Name(s.LayerMetric)} distance" +
                (s.Inference.Bootstrap > 0 ? $"; bands: {s.Inference.ConfidenceLevel:P0} bootstrap CI" : "") +
                (s.Inference.Permutations > 0 ? $"; filled points: p_{EnumNames.Name(s.Inference.Correction)} < 0.05 ({s.Inference.Permutations} permutations)" : ""));
        var outputs = new[] { context.Output.Relative(figure + ".png"), context.Output.Relative(figure + ".svg"), context.Output.Relative(table) };
        context.Manifest.Outputs.AddRange(outputs);
        context.Manifest.Analyses.Add(new RunManifest.AnalysisInfo(Kind, Question, new Dictionary<string, string>
        {
            ["comparison"] = EnumNames.Name(s.Inference.Comparison),
            ["layerMetric"] = EnumNames.Name(s.LayerMetric),
            ["permutations"] = s.Inference.Permutations.ToString(CultureInfo.InvariantCulture),
            ["permutationScheme"] = "stimulus labels of the layer RDM permuted (rows and columns together); p = (1 + #{r_perm >= r}) / (1 + K)",
            ["bootstrap"] = s.Inference.Bootstrap.ToString(CultureInfo.InvariantCulture),
            ["confidenceLevel"] = s.Inference.ConfidenceLevel.ToString(CultureInfo.InvariantCulture),
            ["correction"] = EnumNames.Name(s.Inference.Correction) + " across the layers of each model and target",
        }, outputs, References));
    }

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
