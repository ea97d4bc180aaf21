using System.Text.RegularExpressions;
using RepLens.Abstractions;
using RepLens.Plugins.Brain.Common;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>
/// An opened NSD-betas data set (see <see cref="NsdBetasLoader"/>). Opening reads the trial table, the
/// headers of every betas file and the names of the mask files, and checks them against each other;
/// <see cref="Load"/> then reads, session by session, only the bounding box of the ROI's voxels,
/// z-scores each voxel over all trials of the session (when asked), and averages each stimulus's
/// repetitions. Safe to use from several threads.
/// </summary>
public sealed partial class NsdBetasDataset : IBrainDataset
{
    /// <summary>Option: the trial table, relative to the root; may contain <c>{subject}</c>.</summary>
    public const string TrialsOption = "trials";

    /// <summary>Option: the betas file of a session, relative to the root, with <c>{subject}</c>, <c>{session}</c> and optionally <c>{hemi}</c>.</summary>
    public const string BetasOption = "betas";

    /// <summary>Option: the HDF5 dataset in each betas file (default <c>betas</c>).</summary>
    public const string DatasetOption = "dataset";

    /// <summary>Option: raw values are divided by this (NSD's int16 betas: 300).</summary>
    public const string ScaleOption = "scale";

    /// <summary>Option: z-score each voxel within each session before averaging (default true).</summary>
    public const string ZScoreOption = "zscore";

    /// <summary>Option: keep only stimuli shown at least this many times (default 1).</summary>
    public const string MinRepetitionsOption = "minRepetitions";

    /// <summary>Option: the number of a session's first trial in the trial table (default 1, as NSD counts).</summary>
    public const string FirstTrialOption = "firstTrial";

    /// <summary>Option: the folder of a subject's ROI masks, relative to the root (default <c>{subject}/roi</c>).</summary>
    public const string RoisOption = "rois";

    /// <summary>Option: more folders searched for label mappings (e.g. NSD's <c>nsddata/freesurfer/{subject}/label</c>).</summary>
    public const string MappingsOption = "mappings";

    /// <summary>Option: <c>subject</c> (default) reads each session file once per subject for all ROIs and keeps that subject's averages; <c>none</c> reads per ROI.</summary>
    public const string CacheOption = "cache";

    /// <summary>Option: map betas files into memory while reading them (default true: several times faster with PureHDF; the mapped pages count in the resident set until the file is closed).</summary>
    public const string MemoryMappedOption = "memoryMapped";

    internal const string DefaultBetas = "{subject}/betas/betas_session{session:00}.hdf5";

    private readonly Dictionary<string, NsdSubject> _subjects;
    private readonly RoiCatalog _rois;
    private readonly NsdSettings _settings;
    private readonly List<string> _warnings;
    private readonly Dictionary<string, LabelVolume> _masks = new(StringComparer.Ordinal);
    private readonly object _cacheLock = new();
    private (string Subject, Dictionary<string, SourceCache> Sources)? _cache;

    private NsdBetasDataset(string root, NsdSettings settings, List<NsdSubject> subjects, RoiCatalog rois, List<string> warnings)
    {
        Root = root;
        _settings = settings;
        _subjects = subjects.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Subjects = subjects.Select(s => s.Id).ToArray();
        _rois = rois;
        _warnings = warnings;
    }

    /// <summary>The data set's folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Subjects { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Rois => _rois.Names;

    /// <inheritdoc />
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Opens the data set at <paramref name="root"/> with the loader options (see the README).</summary>
    /// <param name="root">The data folder.</param>
    /// <param name="options">Loader options.</param>
    public static NsdBetasDataset Open(string root, PluginOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfUnknown(DatasetOptions.Subjects, DatasetOptions.Families, DatasetOptions.IdMap, DatasetOptions.Stimuli,
            DatasetOptions.NonFinite, TrialsOption, BetasOption, DatasetOption, ScaleOption, ZScoreOption, MinRepetitionsOption,
            FirstTrialOption, RoisOption, MappingsOption, CacheOption, MemoryMappedOption);
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"NSD data folder '{root}' does not exist.");
        var settings = NsdSettings.Read(root, options);
        var warnings = new List<string>();

        var subjects = new List<NsdSubject>();
        foreach (var (id, trials, source) in SubjectTrials(root, settings))
            subjects.Add(NsdSubject.Open(root, id, trials, source, settings, warnings));

        var foundFamilies = subjects.SelectMany(s => s.MaskFiles.Keys).ToHashSet(StringComparer.Ordinal);
        var families = settings.Common.ChooseFamilies(foundFamilies, root);
        foreach (var s in subjects) s.ReadMappings(root, families, settings);
        var catalog = new RoiCatalog(families, subjects.Select(s => (s.Id, (IReadOnlyDictionary<string, RoiFamily>)s.Families)));
        return new NsdBetasDataset(root, settings, subjects, catalog, warnings);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> StimulusIds(string subject) => Subject(subject).StimulusIds;

    /// <summary>How many trials of each stimulus of <see cref="StimulusIds"/> were averaged.</summary>
    /// <param name="subject">A subject id.</param>
    public IReadOnlyList<int> Repetitions(string subject) => Subject(subject).Repetitions;

    /// <inheritdoc />
    public BrainResponses? Load(string subject, string roi, Hemisphere? hemisphere)
    {
        var s = Subject(subject);
        ArgumentNullException.ThrowIfNull(roi);
        var familyName = _rois.FamilyOf(roi);
        if (!s.Families.TryGetValue(familyName, out var family) || !family.TryResolve(roi, out var label)) return null;

        var warnings = new List<string>();
        // Each part: the betas source (hemisphere key for per-hemisphere betas, "" for one volume) and a mask.
        var parts = new List<(string Source, string MaskKey)>();
        var hemis = hemisphere is { } h ? new[] { h } : new[] { Hemisphere.Left, Hemisphere.Right };
        if (_settings.PerHemisphere)
        {
            foreach (var hemi in hemis)
            {
                var key = RoiFamily.HemisphereKey(hemi);
                if (family.Masks.ContainsKey(key)) parts.Add((key, key));
                else if (hemisphere is null) warnings.Add($"{s.Id} {roi}: no {key} mask of family {familyName}; only the other hemisphere is used.");
            }
        }
        else if (hemisphere is { } one)
        {
            var key = RoiFamily.HemisphereKey(one);
            if (!family.Masks.ContainsKey(key)) return null;
            parts.Add((RoiFamily.Bilateral, key));
        }
        else if (family.Masks.ContainsKey("lh") && family.Masks.ContainsKey("rh"))
        {
            parts.Add((RoiFamily.Bilateral, "lh"));
            parts.Add((RoiFamily.Bilateral, "rh"));
        }
        else if (family.Masks.ContainsKey(RoiFamily.Bilateral))
        {
            parts.Add((RoiFamily.Bilateral, RoiFamily.Bilateral));
        }
        else
        {
            var key = family.Masks.Keys.Single();
            warnings.Add($"{s.Id} {roi}: family {familyName} has only a {key} mask; only that hemisphere is used.");
            parts.Add((RoiFamily.Bilateral, key));
        }

        // Voxels per source, in part order (left before right).
        var sources = new List<(string Source, List<int> Voxels, List<string> Where)>();
        foreach (var (source, maskKey) in parts)
        {
            var shape = s.Shape(source);
            var maskPath = family.Masks[maskKey];
            var cols = Mask(maskPath, shape).Select(label);
            if (cols.Length == 0)
            {
                if (hemisphere is null && parts.Count > 1 && label is { } l)
                    warnings.Add($"{s.Id} {roi}: the mask {maskPath} has no voxel with label {l}; only the other hemisphere is used.");
                continue;
            }
            var entry = sources.FirstOrDefault(e => e.Source == source);
            if (entry.Voxels is null) sources.Add(entry = (source, [], []));
            entry.Voxels.AddRange(cols);
            entry.Where.AddRange(cols.Select(c => $"{(maskKey.Length == 0 ? "" : maskKey + " ")}voxel {c}"));
        }
        int total = sources.Sum(e => e.Voxels.Count);
        if (total == 0) return null;

        int rows = s.StimulusIds.Length;
        var data = new float[(long)rows * total];
        var constant = new List<(int Column, int Session)>();
        int offset = 0;
        foreach (var (source, voxels, _) in sources)
        {
            var (block, flags) = _settings.CacheSubject ? FromCache(s, source, voxels) : Average(s, source, voxels);
            int k = voxels.Count;
            for (int r = 0; r < rows; r++) block.AsSpan(r * k, k).CopyTo(data.AsSpan(r * total + offset, k));
            constant.AddRange(flags.Select(f => (f.Column + offset, f.Session)));
            offset += k;
        }
        var where = sources.SelectMany(e => e.Where).ToList();

        var bad = ResponseCleaner.NonFiniteColumns(data, rows, total);
        if (bad.Count > 0)
        {
            var constantColumns = constant.Select(c => c.Column).ToHashSet();
            var flat = bad.Where(constantColumns.Contains).ToList();
            var nan = bad.Where(c => !constantColumns.Contains(c)).ToList();
            if (nan.Count > 0 && !_settings.Common.DropNonFinite)
                throw new InvalidDataException(
                    $"{s.Id} {roi}: {nan.Count} of {total} voxels are NaN or infinite on some trial ({ResponseCleaner.FirstFew(nan.Select(c => where[c]))}); " +
                    "remove them or set options.nonFinite to \"drop\".");
            if (flat.Count > 0)
            {
                var sessions = constant.Where(c => flat.Contains(c.Column)).Select(c => c.Session).Distinct().Order();
                warnings.Add($"{s.Id} {roi}{HemiText(hemisphere)}: dropped {flat.Count} of {total} voxels that are constant over all trials of a session " +
                    $"(session {ResponseCleaner.FirstFew(sessions)}), so cannot be z-scored — outside the brain? ({ResponseCleaner.FirstFew(flat.Select(c => where[c]))}).");
            }
            if (nan.Count > 0)
                warnings.Add($"{s.Id} {roi}{HemiText(hemisphere)}: dropped {nan.Count} of {total} voxels that are NaN or infinite on some trial ({ResponseCleaner.FirstFew(nan.Select(c => where[c]))}).");
            if (bad.Count == total) return null;
            data = ResponseCleaner.DropColumns(data, rows, total, bad);
            total -= bad.Count;
        }
        return new BrainResponses(s.Id, roi, hemisphere, s.StimulusIds, new FloatMatrix(rows, total, data)) { Warnings = warnings };
    }

    /// <summary>Drops the cached subject; files are opened per read, so nothing else is held.</summary>
    public void Dispose()
    {
        lock (_cacheLock) _cache = null;
    }

    /// <summary>
    /// The (stimuli × voxels) averages of <paramref name="voxels"/>, copied out of the subject's cache
    /// (built on first use for the union of every ROI voxel of this betas source, so that each session
    /// file is read once per subject), and the voxels that were constant over a session.
    /// </summary>
    private (float[] Data, List<(int Column, int Session)> Constant) FromCache(NsdSubject s, string source, IReadOnlyList<int> voxels)
    {
        SourceCache cache;
        lock (_cacheLock)
        {
            if (_cache is null || _cache.Value.Subject != s.Id)
                _cache = (s.Id, new Dictionary<string, SourceCache>(StringComparer.Ordinal));
            var sources = _cache.Value.Sources;
            if (!sources.TryGetValue(source, out cache!))
            {
                var union = new SortedSet<int>();
                foreach (var family in s.Families.Values)
                    foreach (var (key, path) in family.Masks)
                        if (!_settings.PerHemisphere || key == source)
                            union.UnionWith(Mask(path, s.Shape(source)).Select(null));
                var all = union.ToArray();
                var (data, constant) = Average(s, source, all);
                sources[source] = cache = new SourceCache(all, data, constant);
            }
        }
        int rows = s.StimulusIds.Length, k = voxels.Count, width = cache.Voxels.Length;
        var columns = voxels.Select(v => Array.BinarySearch(cache.Voxels, v)).ToArray();
        var result = new float[(long)rows * k];
        for (int r = 0; r < rows; r++)
        {
            var src = cache.Data.AsSpan(r * width, width);
            var dst = result.AsSpan(r * k, k);
            for (int j = 0; j < k; j++) dst[j] = src[columns[j]];
        }
        var flags = new List<(int, int)>();
        for (int j = 0; j < k; j++)
            if (cache.Constant.TryGetValue(columns[j], out var session)) flags.Add((j, session));
        return (result, flags);
    }

    /// <summary>Reads every session of one betas source for <paramref name="voxels"/>, z-scores (when asked) and averages repetitions.</summary>
    private (float[] Data, List<(int Column, int Session)> Constant) Average(NsdSubject s, string source, IReadOnlyList<int> voxels)
    {
        int k = voxels.Count;
        var data = new float[(long)s.StimulusIds.Length * k];
        var constant = new List<(int, int)>();
        var flagged = new bool[k];
        foreach (var session in s.Sessions)
        {
            var file = s.BetasPath(source, session, _settings);
            float[] x;
            int trials;
            using (var betas = BetasFile.Open(file, _settings.DatasetPath, _settings.MemoryMapped))
            {
                trials = betas.Trials;
                x = betas.ReadVoxels(voxels, _settings.Scale);
            }
            if (_settings.ZScore)
            {
                for (int j = 0; j < k; j++)
                {
                    double sum = 0;
                    for (int t = 0; t < trials; t++) sum += x[t * k + j];
                    double mean = sum / trials;
                    double ss = 0;
                    for (int t = 0; t < trials; t++) { double dv = x[t * k + j] - mean; ss += dv * dv; }
                    double sd = Math.Sqrt(ss / trials);
                    if (!(sd > 0) || !double.IsFinite(sd))
                    {
                        if (double.IsFinite(mean) && !flagged[j]) { flagged[j] = true; constant.Add((j, session)); }
                        for (int t = 0; t < trials; t++) x[t * k + j] = float.NaN;
                        continue;
                    }
                    for (int t = 0; t < trials; t++) x[t * k + j] = (float)((x[t * k + j] - mean) / sd);
                }
            }
            foreach (var (row, stimulus) in s.TrialsOf(session))
            {
                var src = x.AsSpan(row * k, k);
                var dst = data.AsSpan(stimulus * k, k);
                for (int j = 0; j < k; j++) dst[j] += src[j];
            }
        }
        for (int i = 0; i < s.StimulusIds.Length; i++)
        {
            float inv = 1f / s.Repetitions[i];
            var dst = data.AsSpan(i * k, k);
            for (int j = 0; j < k; j++) dst[j] *= inv;
        }
        return (data, constant);
    }

    private sealed class SourceCache(int[] voxels, float[] data, List<(int Column, int Session)> constant)
    {
        public int[] Voxels { get; } = voxels;

        public float[] Data { get; } = data;

        public Dictionary<int, int> Constant { get; } = constant.ToDictionary(c => c.Column, c => c.Session);
    }

    private static string HemiText(Hemisphere? h) => h is null ? "" : $" ({RoiFamily.HemisphereKey(h.Value)})";

    private NsdSubject Subject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return _subjects.TryGetValue(subject, out var s)
            ? s
            : throw new ArgumentException($"No subject '{subject}' in {Root}; subjects: {string.Join(", ", Subjects)}.", nameof(subject));
    }

    private LabelVolume Mask(string path, VoxelShape shape)
    {
        lock (_masks)
        {
            if (!_masks.TryGetValue(path, out var m)) _masks[path] = m = LabelVolume.Read(path);
            shape.Check(m);
            return m;
        }
    }

    private static IEnumerable<(string Id, List<TrialTable.Trial> Trials, string Source)> SubjectTrials(string root, NsdSettings settings)
    {
        var common = settings.Common;
        if (settings.Trials.Has("subject"))
        {
            // Subjects named in options.subjects may be any folder; found ones are folders named subjNN.
            var found = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)!)
                .Where(d => (common.SubjectIds.Contains(d) || SubjectFolder().IsMatch(d)) && File.Exists(settings.Trials.Format(root, subject: d)))
                .Order(StringComparer.Ordinal).ToList();
            foreach (var id in common.ChooseSubjects(found, root, $"folders named subjNN with a trial table {settings.Trials.Text}"))
            {
                var path = settings.Trials.Format(root, subject: id);
                var table = TrialTable.Read(path);
                var mismatch = table.Trials.FirstOrDefault(t => t.Subject is not null && t.Subject != id);
                if (mismatch is not null)
                    throw new InvalidDataException($"{path}, line {mismatch.Line}: subject '{mismatch.Subject}' in the table of subject '{id}'.");
                yield return (id, table.Trials.ToList(), path);
            }
            yield break;
        }
        var file = settings.Trials.Format(root);
        if (!File.Exists(file))
            throw new FileNotFoundException($"The trial table {file} does not exist (a CSV with columns subject, session, trial, stimulus; set options.trials).", file);
        var all = TrialTable.Read(file);
        if (!all.HasSubjects)
        {
            if (common.SubjectIds.Count != 1)
                throw new InvalidDataException($"{file}: the trial table has no 'subject' column; add one, or name the one subject it describes in options.subjects.");
            yield return (common.SubjectIds[0], all.Trials.ToList(), file);
            yield break;
        }
        var ids = all.Trials.Select(t => t.Subject!).Distinct().ToList();
        foreach (var id in common.ChooseSubjects(ids, root, $"subjects of {file}"))
            yield return (id, all.Trials.Where(t => t.Subject == id).ToList(), file);
    }

    [GeneratedRegex(@"^subj\d+$")]
    private static partial Regex SubjectFolder();

}
