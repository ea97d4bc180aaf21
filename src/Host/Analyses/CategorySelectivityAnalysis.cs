using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Data;
using RepLens.Host.Figures;
using RepLens.Host.Run;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using RepLens.Rsa.Rdms;
using RepLens.Rsa.Units;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "category-selectivity"</c>: the functional localizer of category-selective units in
/// every selected layer (Lu &amp; Wang 2025, arXiv:2502.16456; the statistics are
/// <see cref="UnitSelectivity"/>'s): per layer and category, how many units are selective, how
/// selective (CSI on rectified responses), how they spread over feature maps, and how consistent the
/// selective populations are across layers (Spearman between their RDMs; overlap of units and channels).
/// </summary>
internal sealed class CategorySelectivityAnalysis : IAnalysisKind
{
    public const string KindName = "category-selectivity";

    public string Kind => KindName;

    public string Question => "Which units of each layer respond selectively to one stimulus category, how many, how strongly, where, and how consistently across layers?";

    public IReadOnlyList<string> References { get; } = new[]
    {
        "Lu, Z., & Wang, Y. (2025). Category-selective neurons in deep networks: comparing purely visual and visual-language models. arXiv:2502.16456",
        "Kanwisher, N., McDermott, J., & Chun, M. M. (1997). The fusiform face area: a module in human extrastriate cortex specialized for face perception. J. Neurosci. 17(11), 4302–4311. doi:10.1523/JNEUROSCI.17-11-04302.1997",
        "Tsao, D. Y., Freiwald, W. A., Tootell, R. B. H., & Livingstone, M. S. (2006). A cortical region consisting entirely of face-selective cells. Science 311(5761), 670–674. doi:10.1126/science.1119983 (the selectivity index)",
        "Berger, R. L. (1982). Multiparameter hypothesis testing and acceptance sampling. Technometrics 24(4), 295–300. doi:10.1080/00401706.1982.10487790 (intersection-union test)",
        Citations.BenjaminiYekutieli2001,
        "Welch, B. L. (1947). The generalization of 'Student's' problem when several different population variances are involved. Biometrika 34(1–2), 28–35. doi:10.1093/biomet/34.1-2.28",
    };

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        if (context.ModelNames.Count == 0) context.Errors.Add(reader.Path, "category-selectivity needs at least one entry in $.models.");
        double alpha = reader.Double("alpha", 0.05);
        if (!(alpha > 0 && alpha < 0.5))
        {
            context.Errors.Add(reader.At("alpha"), $"expected a level in (0, 0.5), found {alpha.ToString(CultureInfo.InvariantCulture)}.");
            alpha = 0.05;
        }
        return new CategorySelectivitySettings(
            models,
            alpha,
            reader.Enum("correction", MultipleComparisonCorrection.BenjaminiYekutieli),
            reader.Enum("test", TTestVariance.Welch),
            reader.Bool("consistency", true),
            reader.Enum("consistencyMetric", DistanceMetric.Correlation),
            reader.Int("consistencyMinUnits", 10, min: 2));
    }

    /// <summary>Columns of <c>tables/category_selectivity.csv</c>; the first twelve are the contract of the issue that specified it.</summary>
    public static readonly string[] Columns =
    {
        "model", "layer", "depth", "relative_depth", "category", "n_units", "n_selective", "proportion", "mean_csi", "csi_undefined",
        "channels_with_selective", "channel_entropy",
        "n_channels", "shape", "n_images", "n_tested", "n_constant", "p_threshold",
        "csi_p05", "csi_q25", "csi_median", "csi_q75", "csi_p95", "zero_variance_units",
        "network_name", "test", "correction", "alpha",
    };

    /// <summary>Columns of <c>tables/category_selectivity_consistency.csv</c>: one row per model, category and pair of layers.</summary>
    public static readonly string[] ConsistencyColumns =
    {
        "model", "category", "layer_a", "layer_b", "depth_a", "depth_b", "relative_depth_a", "relative_depth_b",
        "n_selective_a", "n_selective_b", "spearman_r", "n_pairs", "rdm_metric",
        "same_shape", "unit_jaccard", "same_channels", "channel_jaccard",
    };

    /// <summary>What one layer gave: per category, the selective units, their channels and their RDM.</summary>
    private sealed record LayerOutcome(LayerDescription Layer, int[][] Selective, int[]?[] Channels, Rdm?[] Rdms);

    public void Run(RunContext context, object settings)
    {
        var s = (CategorySelectivitySettings)settings;
        var labels = CategoryLabels.FromStimuli(context.Stimuli);
        labels.Validate();
        int k = labels.Categories.Count;
        if (labels.LeftOut > 0)
            Warn(context, $"category-selectivity: {labels.LeftOut} stimuli without a category are left out of the localizer.");
        var options = new SelectivityOptions { Variance = s.Test, Correction = s.Correction, Alpha = s.Alpha, ExactPValues = false };
        long budget = Math.Min(context.Config.MemoryBudgetBytes, 256L << 20);
        var rows = new List<string[]>();
        var pairs = new List<string[]>();
        var lines = new List<LineSeriesData>();
        var csiFigures = new List<string>();
        var inv = CultureInfo.InvariantCulture;

        for (int mi = 0; mi < s.Models.Count; mi++)
        {
            var model = context.Model(s.Models[mi]);
            var outcomes = new List<LayerOutcome>();
            var proportions = new double[k][];
            for (int g = 0; g < k; g++) proportions[g] = new double[model.Layers.Count];
            var boxes = Enumerable.Range(0, k).Select(_ => new BoxData?[model.Layers.Count]).ToArray();
            if (model.Layers.Count > 0) context.ActivationPath(model, model.Layers[0]); // the extraction, with its own progress
            using var progress = context.Progress.Start($"{Kind} '{model.Name}'", model.Layers.Count, "layers");
            for (int li = 0; li < model.Layers.Count; li++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var layer = model.Layers[li];
                string where = $"model '{model.Name}', layer '{layer.Name}'";
                using var matrix = NpyMatrix.Open(context.ActivationPath(model, layer));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = UnitSelectivity.Compute(matrix, labels.GroupOfRow, k, options, budget);
                if (result.ConstantUnits == result.Units)
                    Warn(context, $"{where}: all {result.Units} units are constant over the stimuli; no unit can be tested.");
                foreach (var g in result.Groups.Where(g => g.ZeroVarianceUnits == result.Units && result.Units > 0))
                    Warn(context, $"{where}: category '{labels.Categories[g.Group]}' gives identical responses across its {g.Images} images in every unit (are they duplicates?).");
                bool channels = FeatureMapSpread.HasChannelAxis(layer.Shape);
                var selective = new int[k][];
                var selectiveChannels = new int[]?[k];
                for (int g = 0; g < k; g++)
                {
                    var summary = result.Groups[g];
                    selective[g] = result.SelectiveUnits(g);
                    var spread = FeatureMapSpread.Compute(result.SelectiveFor, g, layer.Shape);
                    selectiveChannels[g] = spread?.SelectiveChannels();
                    var box = BoxData.Of(result.SelectiveCsi(g));
                    boxes[g][li] = box;
                    proportions[g][li] = summary.Proportion;
                    rows.Add(new[]
                    {
                        model.Name, layer.Name, layer.Depth.ToString(inv), F(model.RelativeDepth(layer)), labels.Categories[g],
                        summary.Units.ToString(inv), summary.Selective.ToString(inv), F(summary.Proportion), F(summary.MeanCsi),
                        summary.CsiUndefined.ToString(inv),
                        spread is null ? "" : spread.ChannelsWithSelective.ToString(inv), spread is null ? "" : F(spread.NormalizedEntropy),
                        spread is null ? "" : spread.Channels.ToString(inv), "[" + string.Join(", ", layer.Shape) + "]",
                        summary.Images.ToString(inv), summary.Tested.ToString(inv), result.ConstantUnits.ToString(inv), F(summary.PThreshold),
                        F(box?.LowerWhisker), F(box?.BoxBottom), F(box?.Median), F(box?.BoxTop), F(box?.UpperWhisker),
                        summary.ZeroVarianceUnits.ToString(inv),
                        layer.NetworkName, EnumNames.Name(s.Test), EnumNames.Name(s.Correction), F(s.Alpha),
                    });
                }
                var rdms = s.Consistency ? SelectiveRdms(context, matrix, selective, s) : new Rdm?[k];
                outcomes.Add(new LayerOutcome(layer, selective, selectiveChannels, rdms));
                context.Log.LogInformation("category-selectivity {Model} {Layer}: {Units} units{Channels}, selective: {Counts} ({Seconds:0.00} s)",
                    model.Name, layer.Name, result.Units, channels ? "" : " (no channel axis)",
                    string.Join(", ", result.Groups.Select(g => $"{labels.Categories[g.Group]} {g.Selective} ({g.Proportion:P1})")), clock.Elapsed.TotalSeconds);
                progress.Report(li + 1);
            }
            if (s.Consistency) pairs.AddRange(Consistency(model, outcomes, labels.Categories, s));

            var x = model.Layers.Select(model.RelativeDepth).ToList();
            for (int g = 0; g < k; g++)
                lines.Add(new LineSeriesData(s.Models.Count > 1 ? $"{model.Name} · {labels.Categories[g]}" : labels.Categories[g], x, proportions[g],
                    Dashed: mi % 2 == 1, ColorIndex: g));
            var csiFigure = context.Output.Figure("category_selectivity_csi_" + LayerDescription.MakeSafe(model.Name));
            FigureWriter.SaveBoxes(csiFigure, $"CSI of category-selective units · {model.Name}", "layer", "CSI (rectified responses)",
                model.Layers.Select(l => l.Name).ToList(),
                Enumerable.Range(0, k).Select(g => new BoxSeriesData(labels.Categories[g], boxes[g], g)).ToList(),
                subtitle: "boxes: quartiles and median; whiskers: 5th–95th percentiles; over the selective units whose CSI is defined", yMin: -1.05, yMax: 1.05);
            csiFigures.Add(csiFigure);
        }

        var table = context.Output.Table("category_selectivity");
        CsvTable.Write(table, Columns, rows);
        string? consistency = null;
        if (s.Consistency)
        {
            consistency = context.Output.Table("category_selectivity_consistency");
            CsvTable.Write(consistency, ConsistencyColumns, pairs);
        }
        var figure = context.Output.Figure("category_selectivity");
        FigureWriter.SaveLines(figure, "Category-selective units across layers", "relative layer depth", "proportion of selective units", lines,
            subtitle: $"{context.Stimuli.Count - labels.LeftOut} images in {k} categories; one-sided {EnumNames.Name(s.Test)} t-tests against every other category; " +
                      $"{EnumNames.Name(s.Correction)} α = {s.Alpha.ToString(inv)} across the units of each layer and category", yMin: 0);
        var outputs = csiFigures.Prepend(figure).SelectMany(f => new[] { f + ".png", f + ".svg" })
            .Append(table).Concat(consistency is null ? [] : [consistency]).Select(context.Output.Relative).ToList();
        context.Manifest.Outputs.AddRange(outputs);
        context.Manifest.Analyses.Add(new RunManifest.AnalysisInfo(Kind, Question, new Dictionary<string, string>
        {
            ["categories"] = string.Join(", ", labels.Categories.Select((c, g) => $"{c} ({labels.Count(g)})")),
            ["test"] = $"one-sided two-sample t-tests ({EnumNames.Name(s.Test)}) of each category against every other category, per unit",
            ["selective"] = "p_max = the largest p of a unit's preferred category against the others (intersection-union test) passes the correction",
            ["correction"] = $"{EnumNames.Name(s.Correction)} at α = {s.Alpha.ToString(inv)}; family: the tested (non-constant) units of one layer, separately per category",
            ["csi"] = "(μ⁺_pref − μ⁺_rest) / (μ⁺_pref + μ⁺_rest) on max(x, 0); undefined (μ⁺_pref + μ⁺_rest = 0) counted in csi_undefined, left out of means",
            ["channels"] = "layers of shape [C, H, W]: selective units per channel, normalised entropy H / ln C; other layers have no channel axis (columns empty)",
            ["consistency"] = s.Consistency
                ? $"Spearman between {EnumNames.Name(s.ConsistencyMetric)} RDMs of the selective units of each pair of layers (at least {s.ConsistencyMinUnits} units); Jaccard of units (same shape) and channels (same C)"
                : "off",
        }, outputs, References));
    }

    /// <summary>Per category, the RDM over all stimuli of the layer's selective units (null below the minimum).</summary>
    private static Rdm?[] SelectiveRdms(RunContext context, NpyMatrix matrix, int[][] selective, CategorySelectivitySettings s)
    {
        var rdms = new Rdm?[selective.Length];
        var used = Enumerable.Range(0, selective.Length).Where(g => selective[g].Length >= s.ConsistencyMinUnits).ToList();
        if (used.Count == 0) return rdms;
        var union = used.SelectMany(g => selective[g]).Distinct().Order().ToArray();
        // One sweep of the file for every category when the selected columns fit a quarter of the budget.
        IFeatureMatrix source = matrix;
        Func<int[], long[]> columns = units => units.Select(u => (long)u).ToArray();
        if ((long)matrix.Rows * union.Length * sizeof(float) <= context.Config.MemoryBudgetBytes / 4)
        {
            source = new ColumnSubset(matrix, columns(union)).ToFloatMatrix();
            columns = units => units.Select(u => (long)Array.BinarySearch(union, u)).ToArray();
        }
        foreach (var g in used)
            rdms[g] = RdmCalculator.Compute(new ColumnSubset(source, columns(selective[g])), context.Stimuli.Ids, s.ConsistencyMetric, context.RdmOptions).Rdm;
        return rdms;
    }

    private static IEnumerable<string[]> Consistency(ModelSession model, List<LayerOutcome> outcomes, IReadOnlyList<string> categories, CategorySelectivitySettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        for (int g = 0; g < categories.Count; g++)
            for (int i = 0; i < outcomes.Count; i++)
                for (int j = i + 1; j < outcomes.Count; j++)
                {
                    var (a, b) = (outcomes[i], outcomes[j]);
                    double r = double.NaN;
                    int pairs = 0;
                    if (a.Rdms[g] is { } ra && b.Rdms[g] is { } rb)
                    {
                        r = RdmComparer.Compare(ra, rb, ComparisonMethod.Spearman);
                        for (int q = 0; q < ra.CondensedArray.Length; q++)
                            if (double.IsFinite(ra.CondensedArray[q]) && double.IsFinite(rb.CondensedArray[q])) pairs++;
                    }
                    bool sameShape = a.Layer.Shape.SequenceEqual(b.Layer.Shape);
                    bool sameChannels = a.Channels[g] is not null && b.Channels[g] is not null && a.Layer.Shape[0] == b.Layer.Shape[0];
                    yield return new[]
                    {
                        model.Name, categories[g], a.Layer.Name, b.Layer.Name, a.Layer.Depth.ToString(inv), b.Layer.Depth.ToString(inv),
                        F(model.RelativeDepth(a.Layer)), F(model.RelativeDepth(b.Layer)),
                        a.Selective[g].Length.ToString(inv), b.Selective[g].Length.ToString(inv), F(r), pairs.ToString(inv), EnumNames.Name(s.ConsistencyMetric),
                        sameShape ? "true" : "false", sameShape ? F(SelectionOverlap.Jaccard(a.Selective[g], b.Selective[g])) : "",
                        sameChannels ? "true" : "false", sameChannels ? F(SelectionOverlap.Jaccard(a.Channels[g]!, b.Channels[g]!)) : "",
                    };
                }
    }

    private static void Warn(RunContext context, string message)
    {
        context.Log.LogWarning("{Message}", message);
        context.Manifest.Warnings.Add(message);
    }

    private static string F(double? v) => v is not { } x || double.IsNaN(x) ? "" : x.ToString("R", CultureInfo.InvariantCulture);
}
