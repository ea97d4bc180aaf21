using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Brain.Common;

/// <summary>
/// The optional <c>stimuli</c> option: only stimuli whose id is in this stimulus table (a CSV with an
/// <c>id</c> column, or a <c>path</c> column whose file names without extension are the ids — the host's
/// rule) or in this folder of images (file names without extension) are read. Saves memory when a
/// subject saw many more images than the analysis uses.
/// </summary>
internal static class StimulusSelection
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"];

    public static HashSet<string> Read(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.GetFiles(path)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Select(Path.GetFileNameWithoutExtension)
                .ToHashSet(StringComparer.Ordinal)!;
        }
        var csv = CsvTable.Read(path);
        int id = csv.ColumnIndex("id");
        int p = csv.ColumnIndex("path");
        if (id < 0 && p < 0)
            throw new InvalidDataException($"{path}: a stimulus selection needs an 'id' or a 'path' column; the header has: {string.Join(", ", csv.Header)}.");
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in csv.Rows)
        {
            var value = id >= 0 && row[id].Trim().Length > 0 ? row[id].Trim() : p >= 0 ? Path.GetFileNameWithoutExtension(row[p].Trim()) : "";
            if (value.Length > 0) set.Add(value);
        }
        if (set.Count == 0) throw new InvalidDataException($"{path}: the stimulus selection lists no stimulus.");
        return set;
    }
}
