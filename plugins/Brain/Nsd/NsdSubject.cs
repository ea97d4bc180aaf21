using System.Text.RegularExpressions;
using RepLens.Abstractions;
using RepLens.Plugins.Brain.Common;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>What is known about one subject after opening.</summary>
internal sealed partial class NsdSubject
{
    private readonly Dictionary<string, VoxelShape> _shapes;
    private readonly Dictionary<int, List<(int Row, int Stimulus)>> _trialsBySession;

    private NsdSubject(string id, string[] stimulusIds, int[] repetitions, int[] sessions,
        Dictionary<int, List<(int, int)>> trialsBySession, Dictionary<string, VoxelShape> shapes, Dictionary<string, Dictionary<string, string>> masks, string roiFolder)
    {
        Id = id;
        StimulusIds = stimulusIds;
        Repetitions = repetitions;
        Sessions = sessions;
        _trialsBySession = trialsBySession;
        _shapes = shapes;
        MaskFiles = masks;
        RoiFolder = roiFolder;
    }

    public string Id { get; }

    public string[] StimulusIds { get; }

    public int[] Repetitions { get; }

    public int[] Sessions { get; }

    public string RoiFolder { get; }

    /// <summary>family → mask key (lh, rh or "") → file.</summary>
    public Dictionary<string, Dictionary<string, string>> MaskFiles { get; }

    public Dictionary<string, RoiFamily> Families { get; } = new(StringComparer.Ordinal);

    public VoxelShape Shape(string source) => _shapes[source];

    public IReadOnlyList<(int Row, int Stimulus)> TrialsOf(int session) => _trialsBySession[session];

    public required string Root { get; init; }

    public string BetasPath(string source, int session, NsdSettings settings) =>
        settings.Betas.Format(Root, Id, session, source.Length == 0 ? null : source);

    public static NsdSubject Open(string root, string id, List<TrialTable.Trial> trials, string source, NsdSettings settings, List<string> warnings)
    {
        var map = settings.Common.IdMapping;
        var ordered = trials.OrderBy(t => t.Session).ThenBy(t => t.Index).ToList();
        var ids = ordered.Select(t => map?.Apply(t.Stimulus) ?? t.Stimulus).ToList();

        // Stimuli in order of first appearance; repetitions counted over the table.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var stim in ids)
        {
            if (counts.TryGetValue(stim, out var c)) counts[stim] = c + 1;
            else { counts[stim] = 1; order.Add(stim); }
        }
        var few = order.Where(x => counts[x] < settings.MinRepetitions).ToList();
        if (few.Count > 0)
            warnings.Add($"{id}: {few.Count} of {order.Count} stimuli were shown fewer than {settings.MinRepetitions} times and are left out ({ResponseCleaner.FirstFew(few)}).");
        var kept = order.Where(x => counts[x] >= settings.MinRepetitions).ToList();
        if (settings.Common.Selection is { } sel)
        {
            int before = kept.Count;
            kept = kept.Where(sel.Contains).ToList();
            if (kept.Count < before)
                warnings.Add($"{id}: {before - kept.Count} of {before} stimuli are not in the stimulus selection {settings.Common.SelectionSource} and were not read.");
        }
        if (kept.Count == 0)
            throw new InvalidDataException($"{id}: no stimulus left in {source} after the minRepetitions and stimuli options.");
        var index = kept.Select((x, i) => (x, i)).ToDictionary(t => t.x, t => t.i, StringComparer.Ordinal);

        var sessions = ordered.Select(t => t.Session).Distinct().ToArray();
        var bySession = sessions.ToDictionary(s => s, _ => new List<(int, int)>());
        for (int i = 0; i < ordered.Count; i++)
            if (index.TryGetValue(ids[i], out var si))
                bySession[ordered[i].Session].Add((ordered[i].Index - settings.FirstTrial, si));

        // Every betas file: exists, same voxel axis across sessions, holds every trial the table names.
        var shapes = new Dictionary<string, VoxelShape>(StringComparer.Ordinal);
        var sourcesKeys = settings.PerHemisphere ? new[] { "lh", "rh" } : new[] { RoiFamily.Bilateral };
        bool warnedInt16 = false;
        foreach (var key in sourcesKeys)
        {
            string? firstPath = null;
            foreach (var session in sessions)
            {
                var path = settings.Betas.Format(root, id, session, key.Length == 0 ? null : key);
                using var betas = BetasFile.Open(path, settings.DatasetPath, memoryMapped: false);
                if (firstPath is null)
                {
                    firstPath = path;
                    shapes[key] = new VoxelShape(path, betas.Dimensions[1..], betas.Voxels, betas.SpatialDimensions, betas.ShapeText);
                    if (!warnedInt16 && settings.Scale == 1.0 && betas.Kind is BetasFile.ElementKind.Int16)
                    {
                        warnedInt16 = true;
                        warnings.Add($"{id}: the betas are int16 and options.scale is 1; NSD's int16 betas are percent signal change × 300 " +
                            "(set \"scale\": 300). Z-scored responses do not depend on the scale.");
                    }
                }
                else if (!betas.Dimensions.Skip(1).SequenceEqual(shapes[key].Dims))
                {
                    throw new InvalidDataException($"{path} is {betas.ShapeText} but {firstPath} is {shapes[key].Text}; every session must have the same voxels.");
                }
                foreach (var t in ordered.Where(t => t.Session == session))
                {
                    int row = t.Index - settings.FirstTrial;
                    if (row < 0 || row >= betas.Trials)
                        throw new InvalidDataException(
                            $"{source}, line {t.Line}: trial {t.Index} of session {session} is not in {path}, which has {betas.Trials} trials " +
                            $"(numbered {settings.FirstTrial} to {settings.FirstTrial + betas.Trials - 1}; see options.firstTrial).");
                }
            }
        }

        var roiFolder = settings.Rois.Format(root, id);
        var masks = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (Directory.Exists(roiFolder))
        {
            foreach (var file in Directory.GetFiles(roiFolder).Order(StringComparer.Ordinal))
            {
                var m = MaskFile().Match(Path.GetFileName(file));
                if (!m.Success || Path.GetFileName(file).StartsWith("mapping_", StringComparison.Ordinal)) continue;
                var family = m.Groups[2].Value;
                var hemiKey = m.Groups[1].Success ? m.Groups[1].Value.ToLowerInvariant() : RoiFamily.Bilateral;
                if (!masks.TryGetValue(family, out var byKey)) masks[family] = byKey = new(StringComparer.Ordinal);
                if (byKey.TryGetValue(hemiKey, out var other))
                    throw new InvalidDataException($"{roiFolder}: {Path.GetFileName(other)} and {Path.GetFileName(file)} are the same mask in two formats; keep one.");
                byKey[hemiKey] = file;
            }
        }
        var stimulusIds = kept.ToArray();
        var reps = kept.Select(x => counts[x]).ToArray();
        return new NsdSubject(id, stimulusIds, reps, sessions, bySession, shapes, masks, roiFolder) { Root = root };
    }

    public void ReadMappings(string root, IReadOnlyList<string> families, NsdSettings settings)
    {
        var folders = new List<string> { RoiFolder };
        folders.AddRange(settings.Mappings.Select(p => p.Format(root, Id)));
        folders.Add(root);
        foreach (var family in families)
        {
            if (!MaskFiles.TryGetValue(family, out var masks)) continue;
            var mapping = MappingFiles.Find(family, folders);
            if (mapping is null)
            {
                // A binary mask named after the family; more than one positive label needs a mapping.
                foreach (var file in masks.Values)
                {
                    var labels = LabelVolume.Read(file).PositiveLabels();
                    if (labels.Count > 1)
                        throw new InvalidDataException(
                            $"{file} has {labels.Count} labels ({ResponseCleaner.FirstFew(labels)}) but no mapping file names them; " +
                            $"add {MappingFiles.Candidates(family).First()} (label,name) to {RoiFolder}, or use a binary mask.");
                }
            }
            Families[family] = new RoiFamily(family, mapping, masks);
        }
    }

    [GeneratedRegex(@"^(?:(lh|rh)\.)?(.+?)\.(nii\.gz|nii|npy)$", RegexOptions.IgnoreCase)]
    private static partial Regex MaskFile();
}
