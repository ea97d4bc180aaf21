using System.Text;

namespace RepLens.Abstractions.IO;

/// <summary>
/// A CSV file read whole (RFC 4180: comma-separated, fields with commas, quotes or line breaks in
/// double quotes, <c>""</c> for a quote; UTF-8, optional byte-order mark). The first row is the header;
/// column names are matched case-insensitively.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string source, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            if (!_columns.TryAdd(header[i].Trim(), i))
                throw new InvalidDataException($"{source}: column '{header[i]}' appears twice in the header.");
        }
    }

    /// <summary>The file the table came from.</summary>
    public string Source { get; }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows (header excluded); every row has <see cref="Header"/>.Count fields.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Whether the table has column <paramref name="name"/>.</summary>
    /// <param name="name">Column name (case-insensitive).</param>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The index of column <paramref name="name"/>, or -1.</summary>
    /// <param name="name">Column name (case-insensitive).</param>
    public int ColumnIndex(string name) => _columns.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The index of a required column, or an exception naming the file and the columns it has.</summary>
    /// <param name="name">Column name (case-insensitive).</param>
    /// <param name="purpose">What the column holds, for the message.</param>
    public int RequireColumn(string name, string purpose)
    {
        if (_columns.TryGetValue(name, out var i)) return i;
        throw new InvalidDataException(
            $"{Source}: missing column '{name}' ({purpose}); the header has: {string.Join(", ", Header)}.");
    }

    /// <summary>Reads a CSV file. Rows whose field count differs from the header are refused with the line number.</summary>
    /// <param name="path">The file.</param>
    public static CsvTable Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{path}: not UTF-8 text; save the table as UTF-8 CSV.");
        }
        return Parse(text.TrimStart('\uFEFF'), path);
    }

    /// <summary>Parses CSV text.</summary>
    /// <param name="text">The content.</param>
    /// <param name="source">A name for messages.</param>
    public static CsvTable Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<(string[] Fields, int Line)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false, any = false;
        int line = 1, recordLine = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true; any = true; break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    if (any || fields.Count > 1 || fields[0].Length > 0) records.Add((fields.ToArray(), recordLine));
                    fields.Clear(); any = false; line++; recordLine = line;
                    break;
                default:
                    field.Append(c); any = true; break;
            }
        }
        if (inQuotes) throw new InvalidDataException($"{source}: a quoted field starting on line {recordLine} is never closed.");
        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add((fields.ToArray(), recordLine));
        }
        if (records.Count == 0) throw new InvalidDataException($"{source}: the file is empty; expected a header row.");
        var header = records[0].Fields.Select(h => h.Trim()).ToArray();
        var rows = new List<string[]>(records.Count - 1);
        foreach (var (f, l) in records.Skip(1))
        {
            if (f.Length != header.Length)
                throw new InvalidDataException($"{source}, line {l}: {f.Length} fields, but the header has {header.Length} ({string.Join(", ", header)}).");
            rows.Add(f);
        }
        return new CsvTable(source, header, rows);
    }

    /// <summary>Quotes a field when it needs it.</summary>
    /// <param name="field">The raw value.</param>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 || field != field.Trim()
            ? "\"" + field.Replace("\"", "\"\"") + "\""
            : field;
    }

    /// <summary>Writes rows (header first) as CSV text, atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">Column names.</param>
    /// <param name="rows">Rows with as many fields as the header.</param>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        sb.Append(string.Join(",", header.Select(Escape))).Append('\n');
        foreach (var row in rows)
        {
            if (row.Count != header.Count)
                throw new ArgumentException($"A row has {row.Count} fields; the header of {path} has {header.Count}.");
            sb.Append(string.Join(",", row.Select(Escape))).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
