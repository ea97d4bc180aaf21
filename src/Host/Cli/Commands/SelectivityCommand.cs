using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Data;
using RepLens.Rsa.Inference;
using RepLens.Rsa.Units;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens selectivity ACTIVATIONS.npy --labels LABELS.csv --out DIR</c>: the category localizer on one
/// layer's (N × U) activations, for scripts. Writes <c>units.csv</c> (one line per unit) and
/// <c>summary.csv</c> (one line per category).
/// </summary>
internal static class SelectivityCommand
{
    /// <summary>Columns of <c>units.csv</c>.</summary>
    public static readonly string[] UnitColumns = { "unit", "selective_for", "preferred", "t_min", "p_max", "csi" };

    /// <summary>Columns of <c>summary.csv</c>.</summary>
    public static readonly string[] SummaryColumns =
    {
        "category", "count", "proportion", "mean_csi", "csi_undefined", "n_images", "n_units", "n_tested", "p_threshold",
        "channels_with_selective", "channel_entropy",
    };

    public static Command Create()
    {
        var input = new Argument<string>("ACTIVATIONS") { Description = "One layer's activations: an (N × U) .npy matrix, one row per image, one column per unit (flattened in C order)." };
        var labels = new Option<string>("--labels")
        {
            Description = "CSV with a header and a 'category' column, one line per activation row: in row order, or with a 'row' column " +
                          "(0-based activation row). An optional 'id' column names images in messages; an empty category leaves the row out. " +
                          "A run's stimuli.csv works as it is.",
            Required = true,
        };
        var alpha = new Option<double>("--alpha") { Description = "Level of the correction, in (0, 0.5).", DefaultValueFactory = _ => 0.05 };
        var correction = new Option<string>("--correction") { Description = "by (Benjamini–Yekutieli, default), bh (Benjamini–Hochberg), bonferroni or none; across the units, per category.", DefaultValueFactory = _ => "by" };
        var test = new Option<string>("--test") { Description = "welch (default) or student two-sample t-tests.", DefaultValueFactory = _ => "welch" };
        var shape = new Option<string?>("--shape") { Description = "The layer's per-image shape, e.g. 64,56,56: with [C, H, W], summary.csv also gets the spread over channels." };
        var memory = new Option<string>("--memory") { Description = "Memory for the column blocks streamed from the file, e.g. 256MB.", DefaultValueFactory = _ => "256MB" };
        var output = new Option<string>("--out") { Description = "Output folder for units.csv and summary.csv.", Required = true };
        var cmd = new Command("selectivity",
            "Category-selective units of one layer (functional localizer): one-sided t-tests of each unit's preferred category against " +
            "every other category, corrected across units; writes units.csv and summary.csv.")
        {
            input, labels, alpha, correction, test, shape, memory, output,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunCoreAsync(parse, ct, (sp, _) =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.selectivity");
            var options = new SelectivityOptions
            {
                Alpha = parse.GetValue(alpha),
                Correction = EnumNames.Parse<MultipleComparisonCorrection>(parse.GetValue(correction), "--correction"),
                Variance = EnumNames.Parse<TTestVariance>(parse.GetValue(test), "--test"),
            };
            if (!(options.Alpha > 0 && options.Alpha < 0.5))
                throw new ConfigurationErrorException("--alpha", $"expected a level in (0, 0.5), found {options.Alpha.ToString(CultureInfo.InvariantCulture)}.");
            if (!ByteSize.TryParse(parse.GetValue(memory), out var budget))
                throw new ConfigurationErrorException("--memory", $"'{parse.GetValue(memory)}' is not a size; expected e.g. 256MB or 1GB.");
            var path = parse.GetValue(input)!;
            using var x = NpyMatrix.Open(path);
            var layerShape = ParseShape(parse.GetValue(shape), x.Columns);
            var categories = CategoryLabels.ReadCsv(parse.GetValue(labels)!, x.Rows);
            categories.Validate();
            if (categories.LeftOut > 0)
                log.LogWarning("{File}: {Count} rows without a category are left out of the localizer.", categories.Source, categories.LeftOut);

            var result = UnitSelectivity.Compute(x, categories.GroupOfRow, categories.Categories.Count, options, budget);
            if (result.ConstantUnits == result.Units)
                log.LogWarning("{File}: all {Units} units are constant over the images; no unit can be tested.", path, result.Units);
            foreach (var g in result.Groups.Where(g => g.ZeroVarianceUnits == result.Units && result.Units > 0))
                log.LogWarning("{File}: category '{Category}' gives identical responses across its {N} images in every unit (are they duplicates?).",
                    path, categories.Categories[g.Group], g.Images);

            var dir = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(dir);
            var inv = CultureInfo.InvariantCulture;
            CsvTable.Write(Path.Combine(dir, "units.csv"), UnitColumns, Enumerable.Range(0, result.Units).Select(u => (IReadOnlyList<string>)new[]
            {
                u.ToString(inv),
                result.SelectiveFor[u] >= 0 ? categories.Categories[result.SelectiveFor[u]] : "",
                result.Preferred[u] >= 0 ? categories.Categories[result.Preferred[u]] : "",
                F(result.TMin[u]), F(result.PMax[u]), F(result.Csi[u]),
            }));
            CsvTable.Write(Path.Combine(dir, "summary.csv"), SummaryColumns, result.Groups.Select(g =>
            {
                var spread = layerShape is null ? null : FeatureMapSpread.Compute(result.SelectiveFor, g.Group, layerShape);
                return (IReadOnlyList<string>)new[]
                {
                    categories.Categories[g.Group], g.Selective.ToString(inv), F(g.Proportion), F(g.MeanCsi), g.CsiUndefined.ToString(inv),
                    g.Images.ToString(inv), g.Units.ToString(inv), g.Tested.ToString(inv), F(g.PThreshold),
                    spread is null ? "" : spread.ChannelsWithSelective.ToString(inv), spread is null ? "" : F(spread.NormalizedEntropy),
                };
            }));
            Console.WriteLine(string.Create(inv,
                $"{result.Units} units, {x.Rows - categories.LeftOut} images in {categories.Categories.Count} categories; {EnumNames.Name(options.Variance)} t-tests, " +
                $"{EnumNames.Name(options.Correction)} α = {options.Alpha} across {result.Units - result.ConstantUnits} tested units per category"));
            foreach (var g in result.Groups)
                Console.WriteLine(string.Create(inv, $"  {categories.Categories[g.Group],-20} {g.Selective,8} selective ({g.Proportion:P2}), mean CSI {(double.IsNaN(g.MeanCsi) ? "–" : g.MeanCsi.ToString("0.000", inv))}"));
            Console.WriteLine($"wrote {Path.Combine(dir, "units.csv")} and {Path.Combine(dir, "summary.csv")}");
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    private static int[]? ParseShape(string? text, long columns)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(new[] { ',', 'x', '×', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                throw new ConfigurationErrorException("--shape", $"'{text}' is not a shape; expected positive sizes such as 64,56,56.");
        long size = shape.Aggregate(1L, (a, d) => a * d);
        if (size != columns)
            throw new ConfigurationErrorException("--shape", $"[{string.Join(", ", shape)}] has {size} elements, but the activations have {columns} columns.");
        return shape;
    }

    private static string F(double v) =>
        double.IsNaN(v) ? "" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
