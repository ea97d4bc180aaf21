using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Distractors;

/// <summary>
/// A distractor set as the ΔRSA analysis reads it: <c>DIR/distractors.csv</c> with one row per target and
/// condition (columns <c>target_id</c>, <c>condition</c>, and <c>image</c>, the edited image relative to DIR —
/// default <c>images/&lt;target_id&gt;__&lt;condition&gt;.png</c>; optionally <c>target_sha256</c>, the
/// SHA-256 of the baseline image it was built from). Every target must have every condition the file uses.
/// </summary>
internal sealed class DistractorSet
{
    public const string TableName = "distractors.csv";

    private readonly Dictionary<(string Target, DistractorCondition Condition), string> _images;

    private DistractorSet(string folder, string table, IReadOnlyList<string> targets, IReadOnlyList<DistractorCondition> conditions,
        Dictionary<(string, DistractorCondition), string> images, IReadOnlyDictionary<string, string> targetSha256)
    {
        Folder = folder;
        TablePath = table;
        TargetIds = targets;
        Conditions = conditions;
        _images = images;
        TargetSha256 = targetSha256;
    }

    public string Folder { get; }
    public string TablePath { get; }

    /// <summary>The targets in the file's order.</summary>
    public IReadOnlyList<string> TargetIds { get; }

    /// <summary>The conditions present, in the canonical order (control, salient, semantic, semantic_salient).</summary>
    public IReadOnlyList<DistractorCondition> Conditions { get; }

    /// <summary>The baseline image hash per target, where the file records it.</summary>
    public IReadOnlyDictionary<string, string> TargetSha256 { get; }

    public static DistractorSet Read(string folder)
    {
        var dir = Path.GetFullPath(folder);
        var file = Path.Combine(dir, TableName);
        if (!File.Exists(file))
            throw new FileNotFoundException($"Distractor set '{dir}' has no {TableName} (build one with `replens distractors --out {dir}`).", file);
        var csv = CsvTable.Read(file);
        int targetCol = csv.RequireColumn("target_id", "the baseline stimulus of each edited image");
        int condCol = csv.RequireColumn("condition", "control, salient, semantic or semantic_salient");
        int imageCol = csv.ColumnIndex("image");
        int shaCol = csv.ColumnIndex("target_sha256");
        if (csv.Rows.Count == 0) throw new InvalidDataException($"{file}: the table has a header but no rows.");

        var images = new Dictionary<(string, DistractorCondition), string>();
        var targets = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sha = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            var row = csv.Rows[r];
            var target = row[targetCol].Trim();
            if (target.Length == 0) throw new InvalidDataException($"{file}, row {r + 2}: empty target_id.");
            if (!DistractorConditions.TryParse(row[condCol], out var condition))
                throw new InvalidDataException($"{file}, row {r + 2}: condition '{row[condCol]}' is not one of {string.Join(", ", DistractorConditions.All.Select(DistractorConditions.Name))}.");
            var rel = imageCol >= 0 && row[imageCol].Trim().Length > 0 ? row[imageCol].Trim() : $"images/{DistractorConditions.EditedId(target, condition)}.png";
            var image = Path.GetFullPath(rel, dir);
            if (!images.TryAdd((target, condition), image))
                throw new InvalidDataException($"{file}, row {r + 2}: target '{target}' has condition '{DistractorConditions.Name(condition)}' twice.");
            if (!File.Exists(image)) missing.Add($"row {r + 2}: {image}");
            if (seen.Add(target)) targets.Add(target);
            if (shaCol >= 0 && row[shaCol].Trim().Length > 0)
            {
                var h = row[shaCol].Trim();
                if (sha.TryGetValue(target, out var other) && other != h)
                    throw new InvalidDataException($"{file}, row {r + 2}: target '{target}' has two different target_sha256 values.");
                sha[target] = h;
            }
        }
        if (missing.Count > 0)
            throw new FileNotFoundException($"{file}: {missing.Count} edited image{(missing.Count == 1 ? " does" : "s do")} not exist:" + Environment.NewLine +
                string.Join(Environment.NewLine, missing.Take(20).Select(m => "  " + m)) + (missing.Count > 20 ? $"{Environment.NewLine}  … and {missing.Count - 20} more" : ""));
        var conditions = DistractorConditions.All.Where(c => images.Keys.Any(k => k.Item2 == c)).ToList();
        foreach (var t in targets)
            foreach (var c in conditions)
                if (!images.ContainsKey((t, c)))
                    throw new InvalidDataException(
                        $"{file}: target '{t}' has no '{DistractorConditions.Name(c)}' row; every target needs every condition of the set (the builder keeps only targets with all four).");
        return new DistractorSet(dir, file, targets, conditions, images, sha);
    }

    /// <summary>The edited images of <paramref name="condition"/>, one per target of <paramref name="targets"/>, in that order.</summary>
    public StimulusTable ConditionTable(DistractorCondition condition, IReadOnlyList<string> targets) =>
        new(targets.Select(t => new Stimulus(DistractorConditions.EditedId(t, condition), _images[(t, condition)], null, Array.Empty<string>())),
            $"{TablePath} ({DistractorConditions.Name(condition)})");
}
