using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RepLens.Abstractions.IO;
using RepLens.Host.Figures;
using RepLens.Host.Run;

namespace RepLens.Host.Distractors;

/// <summary>
/// Writes the tables and the figure of a finished distractor build from the per-target records, in target
/// table order — so an interrupted and resumed build writes the same bytes as an uninterrupted one.
/// </summary>
internal static class DistractorSetWriter
{
    /// <summary>Columns of <c>distractors.csv</c>; the first nine are the contract of the issue that specified it.</summary>
    public static readonly string[] DistractorColumns =
    {
        "target_id", "condition", "distractor_id", "x", "y", "width", "height", "semantic_distance", "saliency_change",
        "edge", "try", "image", "target_width", "target_height", "target_sha256",
    };

    /// <summary>Columns of <c>stimuli.csv</c> (a stimulus table of the edited images; category and captions are the baseline's).</summary>
    public static readonly string[] StimulusColumns = { "id", "path", "category", "captions", "target_id", "condition", "distractor_id" };

    public static readonly string[] EditColumns =
    {
        "target_id", "group", "try", "distractor_id", "edge", "x", "y", "width", "height", "semantic_distance", "saliency_change", "accepted_as",
    };

    public static readonly string[] DroppedColumns = { "target_id", "condition", "reason", "detail", "tries" };

    public static DistractorSetSummary Write(string dir, DistractorInputs inputs, IReadOnlyList<TargetRecord> records, IReadOnlyList<ScoredEdit> calibration,
        double[] semanticDistances, ResolvedThresholds thresholds, DistractorSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var targets = inputs.Targets;
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var F = DistractorBuilder.F;

        CsvTable.Write(Path.Combine(dir, "edits.csv"), EditColumns, records.SelectMany(r => r.Edits.Select(e => (IReadOnlyList<string>)new[]
        {
            r.TargetId, e.Group, I(e.Try), e.DistractorId, e.Edge, I(e.X), I(e.Y), I(e.Width), I(e.Height), F(e.SemanticDistance), F(e.SaliencyChange), e.AcceptedAs ?? "",
        })));
        CsvTable.Write(Path.Combine(dir, "dropped.csv"), DroppedColumns, records.SelectMany(r => r.Dropped.Select(d => (IReadOnlyList<string>)new[]
        {
            r.TargetId, d.Condition, d.Reason, d.Detail, I(d.Tries),
        })));

        var kept = records.Where(r => r.Kept).ToList();
        var drops = records.SelectMany(r => r.Dropped).GroupBy(d => (d.Condition, d.Reason))
            .OrderBy(g => Array.FindIndex(DistractorConditions.All, c => DistractorConditions.Name(c) == g.Key.Condition)).ThenBy(g => g.Key.Reason, StringComparer.Ordinal)
            .Select(g => (g.Key.Condition, g.Key.Reason, g.Count())).ToList();
        int scored = records.Sum(r => r.Edits.Count) + calibration.Count;
        var summary = new DistractorSetSummary(targets.Count, kept.Count, scored, thresholds, drops);

        var json = new JsonObject
        {
            ["targets"] = targets.Count,
            ["kept"] = kept.Count,
            ["dropped"] = targets.Count - kept.Count,
            ["editedImages"] = kept.Count * DistractorConditions.All.Length,
            ["editsScored"] = scored,
            ["calibrationEdits"] = calibration.Count,
            ["seed"] = settings.Seed.ToString(inv),
            ["tries"] = settings.Tries,
            ["areaFraction"] = settings.AreaFraction,
            ["thresholds"] = new JsonObject
            {
                ["semanticSimilar"] = Given(settings.SemanticSimilar, thresholds.SimilarBelow),
                ["semanticDissimilar"] = Given(settings.SemanticDissimilar, thresholds.DissimilarAbove),
                ["nonSalient"] = Given(settings.NonSalient, thresholds.NonSalientBelow),
                ["salient"] = Given(settings.Salient, thresholds.SalientAbove),
            },
            ["drops"] = new JsonArray(drops.Select(d => (JsonNode?)new JsonObject { ["condition"] = d.Condition, ["reason"] = d.Reason, ["targets"] = d.Item3 }).ToArray()),
            ["warnings"] = new JsonArray(inputs.Warnings.Select(w => (JsonNode?)w).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        WriteFigure(Path.Combine(dir, "distributions"), semanticDistances, records, calibration, thresholds, settings);
        if (kept.Count == 0) return summary;

        var rows = new List<IReadOnlyList<string>>();
        var stimuli = new List<IReadOnlyList<string>>();
        foreach (var r in kept)
        {
            int t = targets.IndexOf(r.TargetId);
            var target = targets[t];
            var (tw, th) = inputs.TargetSizes[t];
            var sha = ContentHash.OfFile(target.ImagePath);
            foreach (var c in DistractorConditions.All)
            {
                var e = r.Accepted(c);
                var id = DistractorConditions.EditedId(r.TargetId, c);
                var image = "images/" + id + ".png";
                rows.Add(new[]
                {
                    r.TargetId, DistractorConditions.Name(c), e.DistractorId, I(e.X), I(e.Y), I(e.Width), I(e.Height), F(e.SemanticDistance), F(e.SaliencyChange),
                    e.Edge, I(e.Try), image, I(tw), I(th), sha,
                });
                stimuli.Add(new[] { id, image, target.Category ?? "", string.Join(" | ", target.Captions), r.TargetId, DistractorConditions.Name(c), e.DistractorId });
            }
        }
        CsvTable.Write(Path.Combine(dir, "distractors.csv"), DistractorColumns, rows);
        CsvTable.Write(Path.Combine(dir, "stimuli.csv"), StimulusColumns, stimuli);
        return summary;
    }

    private static string Given(Threshold t) => t.IsQuantile ? $" ({t})" : "";

    private static JsonObject Given(Threshold given, double value) => new() { ["given"] = given.ToString(), ["value"] = value };

    /// <summary>The observed distributions with the thresholds marked (the shape of the seed paper's Figure 3).</summary>
    private static void WriteFigure(string path, double[] semantic, IReadOnlyList<TargetRecord> records, IReadOnlyList<ScoredEdit> calibration,
        ResolvedThresholds thresholds, DistractorSettings settings)
    {
        var changes = calibration.Concat(records.SelectMany(r => r.Edits)).Select(e => e.SaliencyChange).Where(double.IsFinite).ToArray();
        var panels = new List<HistogramPanel>
        {
            new("Semantic distance, every target × pool pair", "cosine distance of caption embeddings", semantic,
                new[] { (thresholds.SimilarBelow, $"similar < {thresholds.SimilarBelow:0.###}{Given(settings.SemanticSimilar)}"),
                        (thresholds.DissimilarAbove, $"dissimilar > {thresholds.DissimilarAbove:0.###}{Given(settings.SemanticDissimilar)}") }),
            new("Saliency change, every scored edit" + (calibration.Count > 0 ? " (calibration included)" : ""), "cosine distance of saliency maps (baseline, edited)", changes,
                new[] { (thresholds.NonSalientBelow, $"non-salient < {thresholds.NonSalientBelow:0.###}{Given(settings.NonSalient)}"),
                        (thresholds.SalientAbove, $"salient > {thresholds.SalientAbove:0.###}{Given(settings.Salient)}") }),
        };
        PanelFigures.SaveHistograms(path, panels,
            $"{records.Count(r => r.Kept)} of {records.Count} targets kept; {changes.Length} edits scored; paste area {settings.AreaFraction:0.###}");
    }
}
