using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace Lab.MyPlugin;

/// <summary>A data set opened by <see cref="MyPluginLoader"/>: one subject per folder, one ROI per <c>.npy</c> file.</summary>
public sealed class MyPluginDataset : IBrainDataset
{
    private readonly string _root;
    private readonly string[] _stimulusIds;

    private MyPluginDataset(string root, string[] stimulusIds, IReadOnlyList<string> subjects, IReadOnlyList<string> rois)
    {
        _root = root;
        _stimulusIds = stimulusIds;
        Subjects = subjects;
        Rois = rois;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Subjects { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Rois { get; }

    /// <summary>Reads the layout under <paramref name="root"/>; throws naming the file or folder that does not match it.</summary>
    /// <param name="root">The data folder.</param>
    public static MyPluginDataset Open(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Brain data folder '{root}' does not exist.");
        var idsPath = Path.Combine(root, "stimuli.txt");
        if (!File.Exists(idsPath)) throw new FileNotFoundException($"'{idsPath}' is missing: it lists the stimulus id of each response row, one per line.", idsPath);
        var ids = File.ReadAllLines(idsPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (ids.Length == 0) throw new InvalidDataException($"'{idsPath}' lists no stimulus ids.");
        var duplicate = ids.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"'{idsPath}': stimulus id '{duplicate.Key}' appears more than once.");
        var subjects = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
        if (subjects.Count == 0) throw new InvalidDataException($"'{root}' has no subject folders (<root>/<subject>/<roi>.npy).");
        var rois = subjects
            .SelectMany(s => Directory.GetFiles(Path.Combine(root, s), "*.npy"))
            .Select(f => RoiOf(Path.GetFileNameWithoutExtension(f)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new MyPluginDataset(root, ids, subjects, rois);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> StimulusIds(string subject)
    {
        if (!Subjects.Contains(subject)) throw new ArgumentException($"No subject '{subject}' in '{_root}'; subjects: {string.Join(", ", Subjects)}.", nameof(subject));
        return _stimulusIds;
    }

    /// <inheritdoc />
    public BrainResponses? Load(string subject, string roi, Hemisphere? hemisphere)
    {
        StimulusIds(subject);
        var suffix = hemisphere switch { Hemisphere.Left => "_left", Hemisphere.Right => "_right", _ => "" };
        var path = Path.Combine(_root, subject, roi + suffix + ".npy");
        if (!File.Exists(path)) return null;
        var array = Npy.ReadFloat32(path);
        if (array.Rank != 2 || array.Dimension(0) != _stimulusIds.Length)
            throw new InvalidDataException($"'{path}' has shape [{string.Join(", ", array.Shape)}]; expected ({_stimulusIds.Length} stimuli × voxels), one row per line of stimuli.txt.");
        return new BrainResponses(subject, roi, hemisphere, _stimulusIds, new FloatMatrix(array.Dimension(0), array.Dimension(1), array.Data));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string RoiOf(string stem) =>
        stem.EndsWith("_left", StringComparison.Ordinal) ? stem[..^5]
        : stem.EndsWith("_right", StringComparison.Ordinal) ? stem[..^6]
        : stem;
}
