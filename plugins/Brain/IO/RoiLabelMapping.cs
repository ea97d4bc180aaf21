using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Brain.IO;

/// <summary>
/// The label → ROI name table of a label mask (e.g. <c>1 → V1v</c> for <c>prf-visualrois</c>). Read from
/// any of the forms labs hold: a pickled dict in a <c>.npy</c> file (Algonauts' <c>mapping_*.npy</c>, read
/// without executing anything, see <see cref="NumpyPickle"/>); a CSV with columns <c>label,name</c>; a
/// JSON object <c>{"1": "V1v", …}</c>; or a FreeSurfer colour table (<c>.ctab</c>/<c>.txt</c>: lines
/// <c>label name [r g b a]</c>, <c>#</c> comments), as NSD ships. Label 0 (background, <c>Unknown</c>)
/// and negative labels never name a ROI and are dropped.
/// </summary>
public sealed class RoiLabelMapping
{
    private readonly SortedDictionary<int, string> _names;

    private RoiLabelMapping(string source, SortedDictionary<int, string> names)
    {
        Source = source;
        _names = names;
    }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>ROI labels (positive) and their names, in label order.</summary>
    public IReadOnlyDictionary<int, string> Names => _names;

    /// <summary>The label of ROI <paramref name="name"/>, or <c>null</c>.</summary>
    /// <param name="name">A ROI name (case-sensitive).</param>
    public int? LabelOf(string name)
    {
        foreach (var (label, n) in _names) if (n == name) return label;
        return null;
    }

    /// <summary>Reads a mapping file; the form is chosen by the extension (<c>.npy</c>, <c>.csv</c>, <c>.json</c>, <c>.ctab</c>, <c>.txt</c>).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file cannot be read as a mapping; the message says why.</exception>
    public static RoiLabelMapping Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such ROI mapping file.", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        IEnumerable<KeyValuePair<int, string>> pairs = ext switch
        {
            ".npy" => NumpyPickle.ReadIntStringDictionary(path),
            ".csv" => FromCsv(path),
            ".json" => FromJson(path),
            ".ctab" or ".txt" or ".lut" => FromColorTable(path),
            _ => throw new InvalidDataException($"{path}: unknown ROI mapping format '{ext}'; use .npy (pickled dict), .csv (label,name), .json or .ctab."),
        };
        var names = new SortedDictionary<int, string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (label, rawName) in pairs)
        {
            var name = rawName.Trim();
            if (label <= 0) continue;
            if (name.Length == 0) throw new InvalidDataException($"{path}: label {label} has an empty name.");
            if (names.ContainsKey(label)) throw new InvalidDataException($"{path}: label {label} is listed twice.");
            if (seen.TryGetValue(name, out var other))
                throw new InvalidDataException($"{path}: the name '{name}' is given to labels {other} and {label}; ROI names must be unique.");
            names[label] = name;
            seen[name] = label;
        }
        if (names.Count == 0) throw new InvalidDataException($"{path}: the mapping names no ROI (no label above 0).");
        return new RoiLabelMapping(path, names);
    }

    /// <summary>Whether two mappings give the same names to the same labels.</summary>
    /// <param name="other">Another mapping.</param>
    public bool SameAs(RoiLabelMapping other) =>
        other._names.Count == _names.Count && _names.All(kv => other._names.TryGetValue(kv.Key, out var n) && n == kv.Value);

    /// <summary>Writes a mapping as CSV (<c>label,name</c>), the plain form labs can produce without Python pickles.</summary>
    /// <param name="path">The file (written atomically).</param>
    /// <param name="names">Label → name.</param>
    public static void WriteCsv(string path, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        CsvTable.Write(path, ["label", "name"],
            names.OrderBy(kv => kv.Key).Select(kv => (IReadOnlyList<string>)[kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value]));
    }

    private static IEnumerable<KeyValuePair<int, string>> FromCsv(string path)
    {
        var csv = CsvTable.Read(path);
        int l = csv.RequireColumn("label", "the integer label of each ROI in the mask");
        int n = csv.RequireColumn("name", "the ROI name of each label");
        var list = new List<KeyValuePair<int, string>>();
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            var text = csv.Rows[r][l].Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label))
                throw new InvalidDataException($"{path}, row {r + 2}: label '{text}' is not an integer.");
            list.Add(new(label, csv.Rows[r][n]));
        }
        return list;
    }

    private static IEnumerable<KeyValuePair<int, string>> FromJson(string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: expected a JSON object of label → name, e.g. {{\"1\": \"V1v\"}}, found {doc.RootElement.ValueKind}.");
            var list = new List<KeyValuePair<int, string>>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!int.TryParse(p.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label))
                    throw new InvalidDataException($"{path}: key '{p.Name}' is not an integer label.");
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{path}: the name of label {label} is {p.Value.ValueKind}, not a string.");
                list.Add(new(label, p.Value.GetString()!));
            }
            return list;
        }
    }

    private static IEnumerable<KeyValuePair<int, string>> FromColorTable(string path)
    {
        var list = new List<KeyValuePair<int, string>>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var label))
                throw new InvalidDataException($"{path}, line {lineNo}: expected 'label name [r g b a]', found '{line}'.");
            list.Add(new(label, parts[1]));
        }
        return list;
    }
}
