using System.Globalization;
using System.Text.RegularExpressions;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.Common;
using RepLens.Plugins.Brain.IO;

namespace RepLens.Plugins.Brain.Algonauts;

/// <summary>
/// An opened Algonauts-layout data set (see <see cref="AlgonautsLoader"/>). Headers, image names,
/// mappings and the names of the mask files are read when it opens (cheap); a mask is read on first
/// use, and <see cref="Load"/> reads only the rows and vertex columns it returns, with positioned reads.
/// Safe to use from several threads.
/// </summary>
public sealed partial class AlgonautsDataset : IBrainDataset
{
    /// <summary>Option: how stimulus ids are formed from image file names: <c>nsd</c> (default) or <c>file-stem</c>.</summary>
    public const string StimulusIdsOption = "stimulusIds";

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"];

    private readonly Dictionary<string, SubjectData> _subjects;
    private readonly RoiCatalog _rois;
    private readonly DatasetOptions _options;
    private readonly Dictionary<string, LabelVolume> _masks = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    private AlgonautsDataset(string root, DatasetOptions options, List<SubjectData> subjects, RoiCatalog rois)
    {
        Root = root;
        _options = options;
        _subjects = subjects.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Subjects = subjects.Select(s => s.Id).ToArray();
        _rois = rois;
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
    /// <param name="root">The folder holding <c>subjNN</c> folders.</param>
    /// <param name="options">Loader options.</param>
    public static AlgonautsDataset Open(string root, PluginOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfUnknown(DatasetOptions.Subjects, DatasetOptions.Families, DatasetOptions.IdMap, DatasetOptions.Stimuli,
            DatasetOptions.NonFinite, StimulusIdsOption);
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Algonauts data folder '{root}' does not exist.");
        var common = DatasetOptions.Read(options);
        var idKind = options.GetString(StimulusIdsOption, "nsd")!;
        if (idKind is not ("nsd" or "file-stem"))
            throw new ConfigurationErrorException($"{options.Path}.{StimulusIdsOption}", $"'{idKind}' is not a valid value; expected one of: nsd, file-stem.");

        var found = Directory.GetDirectories(root)
            .Select(Path.GetFileName)
            .Where(n => n is not null && SubjectFolder().IsMatch(n))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToList();
        var ids = common.ChooseSubjects(found, root, "folders named subjNN");

        var subjects = ids.Select(id => SubjectData.Open(root, id, idKind == "nsd", common)).ToList();
        var foundFamilies = subjects.SelectMany(s => s.MaskFiles.Keys).ToHashSet(StringComparer.Ordinal);
        var families = common.ChooseFamilies(foundFamilies, root);
        foreach (var s in subjects) s.ReadMappings(root, families);
        var catalog = new RoiCatalog(families, subjects.Select(s => (s.Id, (IReadOnlyDictionary<string, RoiFamily>)s.Families)));
        var ds = new AlgonautsDataset(root, common, subjects, catalog);
        foreach (var s in subjects)
            if (s.DroppedBySelection > 0)
                ds._warnings.Add($"{s.Id}: {s.DroppedBySelection} of {s.AllRows} images are not in the stimulus selection {common.SelectionSource} and were not read.");
        return ds;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> StimulusIds(string subject) => Subject(subject).StimulusIds;

    /// <inheritdoc />
    public BrainResponses? Load(string subject, string roi, Hemisphere? hemisphere)
    {
        var s = Subject(subject);
        ArgumentNullException.ThrowIfNull(roi);
        var familyName = _rois.FamilyOf(roi);
        if (!s.Families.TryGetValue(familyName, out var family) || !family.TryResolve(roi, out var label)) return null;

        var hemis = hemisphere is { } h ? new[] { h } : new[] { Hemisphere.Left, Hemisphere.Right };
        var warnings = new List<string>();
        var parts = new List<(Hemisphere Hemi, int[] Columns)>();
        foreach (var hemi in hemis)
        {
            var key = RoiFamily.HemisphereKey(hemi);
            if (!family.Masks.TryGetValue(key, out var maskPath))
            {
                if (hemisphere is null) warnings.Add($"{s.Id} {roi}: no {key} mask of family {familyName}; only the other hemisphere is used.");
                continue;
            }
            var mask = Mask(maskPath, s, hemi);
            var columns = mask.Select(label);
            if (columns.Length == 0 && hemisphere is null && label is { } l)
                warnings.Add($"{s.Id} {roi}: the {key} mask ({maskPath}) has no vertex with label {l}; only the other hemisphere is used.");
            if (columns.Length > 0) parts.Add((hemi, columns));
        }
        int total = parts.Sum(p => p.Columns.Length);
        if (total == 0) return null;

        int rows = s.Rows.Length;
        var data = new float[(long)rows * total];
        int offset = 0;
        foreach (var (hemi, columns) in parts)
        {
            using var reader = NpyColumnReader.Open(s.FmriFile(hemi));
            reader.Read(s.Rows, columns, data, total, offset);
            offset += columns.Length;
        }

        var bad = ResponseCleaner.NonFiniteColumns(data, rows, total);
        if (bad.Count > 0)
        {
            var where = bad.Select(c => Locate(parts, c)).ToList();
            if (!_options.DropNonFinite)
                throw new InvalidDataException(
                    $"{s.Id} {roi}: {bad.Count} of {total} vertices are NaN or infinite for at least one image ({ResponseCleaner.FirstFew(where)}); " +
                    "remove them or set options.nonFinite to \"drop\".");
            warnings.Add($"{s.Id} {roi}{HemiText(hemisphere)}: dropped {bad.Count} of {total} vertices that are NaN or infinite for at least one image ({ResponseCleaner.FirstFew(where)}).");
            if (bad.Count == total) return null;
            data = ResponseCleaner.DropColumns(data, rows, total, bad);
            total -= bad.Count;
        }
        return new BrainResponses(s.Id, roi, hemisphere, s.StimulusIds, new FloatMatrix(rows, total, data)) { Warnings = warnings };
    }

    /// <summary>The vertex indices (columns of <c>{lh,rh}_training_fmri.npy</c>) of a ROI in one hemisphere, before NaN vertices are dropped; empty when it has none.</summary>
    /// <param name="subject">A subject id.</param>
    /// <param name="roi">A ROI name.</param>
    /// <param name="hemisphere">The hemisphere.</param>
    public IReadOnlyList<int> Vertices(string subject, string roi, Hemisphere hemisphere)
    {
        var s = Subject(subject);
        var familyName = _rois.FamilyOf(roi);
        if (!s.Families.TryGetValue(familyName, out var family) || !family.TryResolve(roi, out var label)) return [];
        return family.Masks.TryGetValue(RoiFamily.HemisphereKey(hemisphere), out var path) ? Mask(path, s, hemisphere).Select(label) : [];
    }

    /// <summary>Nothing to release: files are opened per read.</summary>
    public void Dispose()
    {
    }

    private static string HemiText(Hemisphere? h) => h is null ? "" : $" ({RoiFamily.HemisphereKey(h.Value)})";

    private static string Locate(List<(Hemisphere Hemi, int[] Columns)> parts, int column)
    {
        foreach (var (hemi, cols) in parts)
        {
            if (column < cols.Length) return $"{RoiFamily.HemisphereKey(hemi)} vertex {cols[column]}";
            column -= cols.Length;
        }
        return "?";
    }

    private SubjectData Subject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return _subjects.TryGetValue(subject, out var s)
            ? s
            : throw new ArgumentException($"No subject '{subject}' in {Root}; subjects: {string.Join(", ", Subjects)}.", nameof(subject));
    }

    private LabelVolume Mask(string path, SubjectData s, Hemisphere hemi)
    {
        lock (_masks)
        {
            if (_masks.TryGetValue(path, out var m)) return m;
            m = LabelVolume.Read(path);
            long vertices = s.Columns(hemi);
            if (m.Length != vertices)
                throw new InvalidDataException(
                    $"The ROI mask {path} has {m.Length} vertices but the responses {s.FmriFile(hemi)} have {vertices}; " +
                    "the mask must have one label per column of the responses (same subject, same hemisphere, challenge space).");
            _masks[path] = m;
            return m;
        }
    }

    [GeneratedRegex(@"^subj\d+$")]
    private static partial Regex SubjectFolder();

    [GeneratedRegex(@"^(lh|rh)\.(.+)_challenge_space\.npy$")]
    private static partial Regex MaskFile();

    [GeneratedRegex(@"nsd-(\d+)")]
    private static partial Regex NsdId();

    [GeneratedRegex(@"^train-(\d+)")]
    private static partial Regex TrainIndex();

    /// <summary>What is known about one subject after opening.</summary>
    private sealed class SubjectData
    {
        private readonly NpyHeader[] _headers;

        private SubjectData(string id, string folder, NpyHeader[] headers, int[] rows, string[] stimulusIds, int allRows,
            Dictionary<string, Dictionary<string, string>> maskFiles)
        {
            Id = id;
            Folder = folder;
            _headers = headers;
            Rows = rows;
            StimulusIds = stimulusIds;
            AllRows = allRows;
            MaskFiles = maskFiles;
        }

        public string Id { get; }

        public string Folder { get; }

        /// <summary>Rows of the fMRI files that are read (all, or those in the stimulus selection).</summary>
        public int[] Rows { get; }

        public string[] StimulusIds { get; }

        public int AllRows { get; }

        public int DroppedBySelection => AllRows - Rows.Length;

        /// <summary>family → hemisphere key → mask file.</summary>
        public Dictionary<string, Dictionary<string, string>> MaskFiles { get; }

        public Dictionary<string, RoiFamily> Families { get; } = new(StringComparer.Ordinal);

        public string FmriFile(Hemisphere h) => _headers[(int)h].FilePath;

        public long Columns(Hemisphere h) => _headers[(int)h].Shape[1];

        public static SubjectData Open(string root, string id, bool nsdIds, DatasetOptions options)
        {
            var folder = Path.Combine(root, id);
            var fmriFolder = Path.Combine(folder, "training_split", "training_fmri");
            var headers = new NpyHeader[2];
            foreach (var h in new[] { Hemisphere.Left, Hemisphere.Right })
            {
                var file = Path.Combine(fmriFolder, $"{RoiFamily.HemisphereKey(h)}_training_fmri.npy");
                if (!File.Exists(file))
                    throw new FileNotFoundException($"{id}: the responses {file} do not exist (Algonauts layout: subjNN/training_split/training_fmri/{{lh,rh}}_training_fmri.npy).", file);
                var header = Npy.ReadHeader(file);
                if (header.Rank != 2) throw new NpyFormatException(file, $"expected a 2-D (images × vertices) array, found {header}.");
                headers[(int)h] = header;
            }
            if (headers[0].Shape[0] != headers[1].Shape[0])
                throw new InvalidDataException(
                    $"{id}: {headers[0].FilePath} has {headers[0].Shape[0]} images (rows) but {headers[1].FilePath} has {headers[1].Shape[0]}; both hemispheres must have one row per training image.");
            int n = (int)headers[0].Shape[0];

            var ids = ImageIds(folder, id, nsdIds, n);
            if (options.IdMapping is { } map) ids = ids.Select(map.Apply).ToArray();
            var dup = ids.Select((s, i) => (s, i)).GroupBy(t => t.s).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null)
                throw new InvalidDataException(
                    $"{id}: stimulus id '{dup.Key}' is given to rows {string.Join(" and ", dup.Select(t => t.i + 1))}" +
                    (options.IdMapping is { } m ? $" (after the id map {m.Source})" : "") + "; ids must be unique per subject.");

            var rows = Enumerable.Range(0, n).Where(r => options.Selection is null || options.Selection.Contains(ids[r])).ToArray();
            var kept = rows.Select(r => ids[r]).ToArray();

            var maskFolder = Path.Combine(folder, "roi_masks");
            var masks = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            if (Directory.Exists(maskFolder))
            {
                foreach (var file in Directory.GetFiles(maskFolder).Order(StringComparer.Ordinal))
                {
                    var match = MaskFile().Match(Path.GetFileName(file));
                    if (!match.Success) continue;
                    var family = match.Groups[2].Value;
                    if (!masks.TryGetValue(family, out var byHemi)) masks[family] = byHemi = new(StringComparer.Ordinal);
                    byHemi[match.Groups[1].Value] = file;
                }
            }
            return new SubjectData(id, folder, headers, rows, kept, n, masks);
        }

        public void ReadMappings(string root, IReadOnlyList<string> families)
        {
            foreach (var family in families)
            {
                if (!MaskFiles.TryGetValue(family, out var masks)) continue;
                var mapping = MappingFiles.Find(family, [Path.Combine(Folder, "roi_masks"), root]);
                Families[family] = new RoiFamily(family, mapping, masks);
            }
        }

        private static string[] ImageIds(string folder, string subject, bool nsdIds, int rows)
        {
            var images = Path.Combine(folder, "training_split", "training_images");
            if (!Directory.Exists(images))
                throw new DirectoryNotFoundException(
                    $"{subject}: {images} does not exist. RepLens takes the stimulus of each fMRI row from the image file names " +
                    "(train-0001_nsd-00013.png, sorted); copy that folder (empty files with the right names are enough).");
            var files = Directory.GetFiles(images)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Select(f => Path.GetFileNameWithoutExtension(f)!)
                .ToList();
            if (files.Count != rows)
                throw new InvalidDataException(
                    $"{subject}: {images} holds {files.Count} images but the responses have {rows} rows; there must be one image per row.");
            // Rows follow the images sorted by their train-NNNN index (the order of the Algonauts tutorial's sorted listing).
            var indexed = files.Select(f =>
            {
                var m = TrainIndex().Match(f);
                return (Name: f, Index: m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : (long?)null);
            }).ToList();
            if (indexed.All(t => t.Index is not null))
            {
                indexed.Sort((a, b) => a.Index!.Value.CompareTo(b.Index!.Value));
                var dupIndex = indexed.GroupBy(t => t.Index).FirstOrDefault(g => g.Count() > 1);
                if (dupIndex is not null)
                    throw new InvalidDataException($"{subject}: images {string.Join(" and ", dupIndex.Select(t => t.Name))} in {images} have the same train index.");
            }
            else
            {
                indexed.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            }
            return indexed.Select(t =>
            {
                if (!nsdIds) return t.Name;
                var m = NsdId().Match(t.Name);
                if (!m.Success)
                    throw new InvalidDataException(
                        $"{subject}: the image {Path.Combine(images, t.Name)}.* has no NSD id in its name (expected e.g. train-0001_nsd-00013.png); " +
                        "set options.stimulusIds to \"file-stem\" to use file names as ids.");
                return "nsd-" + m.Groups[1].Value;
            }).ToArray();
        }
    }
}
