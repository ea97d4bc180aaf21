using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Data;

/// <summary>
/// Reads a stimulus table: a CSV with columns <c>path</c> (required; relative to the CSV's folder),
/// <c>id</c> (default: the file name without extension), <c>category</c> and <c>captions</c> (several
/// captions separated by <c>|</c>) — or a folder of images (ids = file names without extension,
/// sorted). Every image must exist; all missing ones are listed at once.
/// </summary>
internal static class StimulusTableReader
{
    public const char CaptionSeparator = '|';

    private static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff" };

    public static StimulusTable Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return FromFolder(full);
        if (!File.Exists(full)) throw new FileNotFoundException($"Stimuli '{full}' do not exist (expected a CSV stimulus table or a folder of images).", full);
        return FromCsv(full);
    }

    public static bool IsImageFile(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    private static StimulusTable FromFolder(string folder)
    {
        var files = Directory.GetFiles(folder).Where(IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"Folder '{folder}' holds no images ({string.Join(", ", ImageExtensions)}).");
        var dup = files.GroupBy(Path.GetFileNameWithoutExtension).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new InvalidDataException($"Folder '{folder}': images {string.Join(" and ", dup.Select(Path.GetFileName))} would share the id '{dup.Key}'; rename one or use a stimulus table with an id column.");
        return new StimulusTable(files.Select(f => new Stimulus(Path.GetFileNameWithoutExtension(f), f, null, Array.Empty<string>())), folder);
    }

    private static StimulusTable FromCsv(string file)
    {
        var csv = CsvTable.Read(file);
        var dir = Path.GetDirectoryName(file)!;
        int pathCol = csv.RequireColumn("path", "the image file of each stimulus, relative to the table's folder");
        int idCol = csv.ColumnIndex("id");
        int catCol = csv.ColumnIndex("category");
        int capCol = csv.ColumnIndex("captions");
        if (csv.Rows.Count == 0) throw new InvalidDataException($"{file}: the table has a header but no stimuli.");

        var stimuli = new List<Stimulus>(csv.Rows.Count);
        var missing = new List<string>();
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            var row = csv.Rows[r];
            var rel = row[pathCol].Trim();
            if (rel.Length == 0) throw new InvalidDataException($"{file}, row {r + 2}: empty path.");
            var image = Path.GetFullPath(rel, dir);
            if (!File.Exists(image)) missing.Add($"row {r + 2}: {image}");
            var id = idCol >= 0 && row[idCol].Trim().Length > 0 ? row[idCol].Trim() : Path.GetFileNameWithoutExtension(image);
            var category = catCol >= 0 && row[catCol].Trim().Length > 0 ? row[catCol].Trim() : null;
            var captions = capCol >= 0
                ? row[capCol].Split(CaptionSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : Array.Empty<string>();
            stimuli.Add(new Stimulus(id, image, category, captions));
        }
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{file}: {missing.Count} image file{(missing.Count == 1 ? " does" : "s do")} not exist:" + Environment.NewLine +
                string.Join(Environment.NewLine, missing.Take(20).Select(m => "  " + m)) +
                (missing.Count > 20 ? $"{Environment.NewLine}  … and {missing.Count - 20} more" : ""));
        try
        {
            return new StimulusTable(stimuli, file);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
