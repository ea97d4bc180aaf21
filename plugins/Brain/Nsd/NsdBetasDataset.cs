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

    private const string DefaultBetas = "{subject}/betas/betas_session{session:00}.hdf5";

    private readonly Dictionary<string, SubjectData> _subjects;
    private readonly RoiCatalog _rois;
    private readonly Settings _settings;
    private readonly List<string> _warnings;
    private readonly Dictionary<string, LabelVolume> _masks = new(StringComparer.Ordinal);
    private readonly object _cacheLock = new();
    private (string Subject, Dictionary<string, SourceCache> Sources)? _cache;

    private NsdBetasDataset(string root, Settings settings, List<SubjectData> subjects, RoiCatalog rois, List<string> warnings)
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
        var settings = Settings.Read(root, options);
        var warnings = new List<string>();

        var subjects = new List<SubjectData>();
        foreach (var (id, trials, source) in SubjectTrials(root, settings))
            subjects.Add(SubjectData.Open(root, id, trials, source, settings, warnings));

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
    private (float[] Data, List<(int Column, int Session)> Constant) FromCache(SubjectData s, string source, IReadOnlyList<int> voxels)
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
    private (float[] Data, List<(int Column, int Session)> Constant) Average(SubjectData s, string source, IReadOnlyList<int> voxels)
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

    private SubjectData Subject(string subject)
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

    private static IEnumerable<(string Id, List<TrialTable.Trial> Trials, string Source)> SubjectTrials(string root, Settings settings)
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

    [GeneratedRegex(@"^(?:(lh|rh)\.)?(.+?)\.(nii\.gz|nii|npy)$", RegexOptions.IgnoreCase)]
    private static partial Regex MaskFile();

    /// <summary>The options, read once.</summary>
    private sealed class Settings
    {
        public required DatasetOptions Common { get; init; }
        public required PathPattern Trials { get; init; }
        public required PathPattern Betas { get; init; }
        public required PathPattern Rois { get; init; }
        public required IReadOnlyList<PathPattern> Mappings { get; init; }
        public required string DatasetPath { get; init; }
        public required double Scale { get; init; }
        public required bool ZScore { get; init; }
        public required int MinRepetitions { get; init; }
        public required int FirstTrial { get; init; }
        public required bool CacheSubject { get; init; }
        public required bool MemoryMapped { get; init; }

        public bool PerHemisphere => Betas.Has("hemi");

        public static Settings Read(string root, PluginOptions o)
        {
            string P(string key) => $"{o.Path}.{key}";
            var betas = PathPattern.Parse(o.GetString(BetasOption, DefaultBetas)!, P(BetasOption));
            if (!betas.Has("session"))
                throw new ConfigurationErrorException(P(BetasOption), $"'{betas.Text}' has no {{session}} placeholder; there is one betas file per session.");
            var trialsText = o.GetString(TrialsOption) ?? (File.Exists(Path.Combine(root, "trials.csv")) ? "trials.csv" : "{subject}/trials.csv");
            double scale = o.GetDouble(ScaleOption, 1.0);
            if (!(scale > 0) || !double.IsFinite(scale))
                throw new ConfigurationErrorException(P(ScaleOption), $"expected a positive number (NSD's int16 betas: 300), found {scale}.");
            int minReps = o.GetInt32(MinRepetitionsOption, 1);
            if (minReps < 1) throw new ConfigurationErrorException(P(MinRepetitionsOption), $"expected 1 or more, found {minReps}.");
            var rois = PathPattern.Parse(o.GetString(RoisOption, "{subject}/roi")!, P(RoisOption));
            var cache = o.GetString(CacheOption, "subject")!;
            if (cache is not ("subject" or "none"))
                throw new ConfigurationErrorException(P(CacheOption), $"'{cache}' is not a valid value; expected one of: subject, none.");
            var mappings = o.GetStringList(MappingsOption).Select(m => PathPattern.Parse(m, P(MappingsOption))).ToList();
            foreach (var p in mappings.Append(rois).Append(PathPattern.Parse(trialsText, P(TrialsOption))))
                if (p.Has("session") || p.Has("hemi"))
                    throw new ConfigurationErrorException(P(p == rois ? RoisOption : p.Text == trialsText ? TrialsOption : MappingsOption),
                        $"'{p.Text}' may use {{subject}} only.");
            return new Settings
            {
                Common = DatasetOptions.Read(o),
                Trials = PathPattern.Parse(trialsText, P(TrialsOption)),
                Betas = betas,
                Rois = rois,
                Mappings = mappings,
                DatasetPath = o.GetString(DatasetOption, "betas")!,
                Scale = scale,
                ZScore = o.GetBoolean(ZScoreOption, true),
                MinRepetitions = minReps,
                FirstTrial = o.GetInt32(FirstTrialOption, 1),
                CacheSubject = cache == "subject",
                MemoryMapped = o.GetBoolean(MemoryMappedOption, true),
            };
        }
    }

    /// <summary>The voxel axis of a betas source, and the mask shapes that fit it.</summary>
    private sealed class VoxelShape(string betasFile, ulong[] dims, long voxels, int[]? spatial, string shapeText)
    {
        public long Voxels { get; } = voxels;

        /// <summary>The betas' dimensions after the trial axis.</summary>
        public ulong[] Dims { get; } = dims;

        public string Text { get; } = shapeText;

        public void Check(LabelVolume mask)
        {
            if (spatial is not null && mask.SpatialDimensions is { } m)
            {
                if (m.SequenceEqual(spatial)) return;
                string hint = m.SequenceEqual(spatial.Reverse())
                    ? " The mask's axes are reversed: betas of (trials × Z × Y × X) need a mask of X × Y × Z (a NIfTI file, or nibabel's get_fdata()); transpose it."
                    : "";
                throw new InvalidDataException(
                    $"The ROI mask {mask.FilePath} is {mask.ShapeText} but the betas {betasFile} are {Text}, i.e. a volume of {string.Join(" × ", spatial)} (X × Y × Z).{hint}");
            }
            if (mask.Length != Voxels)
                throw new InvalidDataException(
                    $"The ROI mask {mask.FilePath} has {mask.Length} voxels ({mask.ShapeText}) but the betas {betasFile} have {Voxels} ({Text}); " +
                    "the mask must have one label per voxel of the betas, in the same order (x fastest).");
        }
    }

    /// <summary>What is known about one subject after opening.</summary>
    private sealed class SubjectData
    {
        private readonly Dictionary<string, VoxelShape> _shapes;
        private readonly Dictionary<int, List<(int Row, int Stimulus)>> _trialsBySession;

        private SubjectData(string id, string[] stimulusIds, int[] repetitions, int[] sessions,
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

        public string BetasPath(string source, int session, Settings settings) =>
            settings.Betas.Format(Root, Id, session, source.Length == 0 ? null : source);

        public static SubjectData Open(string root, string id, List<TrialTable.Trial> trials, string source, Settings settings, List<string> warnings)
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
            return new SubjectData(id, stimulusIds, reps, sessions, bySession, shapes, masks, roiFolder) { Root = root };
        }

        public void ReadMappings(string root, IReadOnlyList<string> families, Settings settings)
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
    }
}
