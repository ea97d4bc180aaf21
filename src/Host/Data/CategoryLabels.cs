using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Data;

/// <summary>
/// The category of each row of an activation matrix, as group indices for the localizer: categories
/// numbered in order of first appearance, rows without a category left out (−1).
/// </summary>
/// <param name="Source">Where the labels came from (a file), for messages.</param>
/// <param name="Categories">The K category names, in order of first appearance.</param>
/// <param name="GroupOfRow">Per row, its category index or −1.</param>
/// <param name="RowIds">Per row, a name for messages (a stimulus id, or "row i").</param>
internal sealed record CategoryLabels(string Source, IReadOnlyList<string> Categories, int[] GroupOfRow, IReadOnlyList<string> RowIds)
{
    /// <summary>Rows without a category (left out of every test).</summary>
    public int LeftOut => GroupOfRow.Count(g => g < 0);

    /// <summary>Number of rows of category <paramref name="group"/>.</summary>
    public int Count(int group) => GroupOfRow.Count(g => g == group);

    /// <summary>The categories of a run's stimulus table.</summary>
    public static CategoryLabels FromStimuli(StimulusTable stimuli)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        return Build(stimuli.Source, stimuli.Select(s => s.Category).ToList(), stimuli.Ids);
    }

    /// <summary>
    /// Reads LABELS.csv for an activation matrix of <paramref name="rows"/> rows. The file has a header
    /// and a column <c>category</c>; one line per activation row. Rows are matched by an optional column
    /// <c>row</c> (0-based activation row, each exactly once, any order), otherwise by line order (the
    /// first data line is row 0). An optional <c>id</c> column names rows in messages. An empty category
    /// leaves that row out. Other columns are ignored, so a run's <c>stimuli.csv</c> works as it is.
    /// </summary>
    /// <exception cref="InvalidDataException">Missing column, wrong number of lines, bad or repeated row numbers.</exception>
    public static CategoryLabels ReadCsv(string path, int rows)
    {
        var table = CsvTable.Read(path);
        int category = table.RequireColumn("category", "the category of each activation row");
        int rowColumn = table.ColumnIndex("row");
        int idColumn = table.ColumnIndex("id");
        if (table.Rows.Count != rows)
            throw new InvalidDataException(
                $"{path}: {table.Rows.Count} label line{(table.Rows.Count == 1 ? "" : "s")}, but the activations have {rows} rows; " +
                "LABELS.csv needs one line per activation row (in row order, or with a 'row' column giving the 0-based row).");
        var categories = new string?[rows];
        var ids = new string[rows];
        var seen = new int[rows];
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var line = table.Rows[i];
            int row = i;
            if (rowColumn >= 0)
            {
                var text = line[rowColumn].Trim();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out row) || row >= rows)
                    throw new InvalidDataException($"{path}, line {i + 2}: row '{text}' is not an activation row; rows are 0 … {rows - 1}.");
                if (seen[row]++ > 0)
                    throw new InvalidDataException($"{path}, line {i + 2}: row {row} is labelled twice; each activation row needs exactly one line.");
            }
            categories[row] = line[category].Trim();
            ids[row] = idColumn >= 0 && line[idColumn].Trim().Length > 0 ? line[idColumn].Trim() : $"row {row}";
        }
        return Build(path, categories, ids);
    }

    /// <summary>
    /// Checks that the localizer can run: at least 2 categories, each with at least 2 rows. A category
    /// with one image cannot be tested (a t-test needs a variance in each group); rather than quietly
    /// dropping it (and calling units "selective" without ever comparing them with it), the analysis stops.
    /// </summary>
    /// <exception cref="InvalidDataException">What is wrong, naming the source, the categories and their rows.</exception>
    public void Validate()
    {
        if (Categories.Count < 2)
            throw new InvalidDataException(Categories.Count == 0
                ? $"{Source}: no stimulus has a category; the category-selectivity localizer needs a category for each image (at least 2 categories)."
                : $"{Source}: every labelled image is in category '{Categories[0]}'; the localizer compares categories with each other and needs at least 2.");
        var small = Enumerable.Range(0, Categories.Count).Where(g => Count(g) < 2).ToList();
        if (small.Count > 0)
        {
            var parts = small.Select(g => $"'{Categories[g]}' has 1 image ({RowIds[Array.IndexOf(GroupOfRow, g)]})");
            throw new InvalidDataException(
                $"{Source}: {string.Join("; ", parts)}. A two-sample t-test needs at least 2 images per category: add images, " +
                "or leave the category out (an empty category leaves an image out of the localizer).");
        }
    }

    private static CategoryLabels Build(string source, IReadOnlyList<string?> categories, IReadOnlyList<string> ids)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new int[categories.Count];
        for (int r = 0; r < categories.Count; r++)
        {
            var c = categories[r];
            if (string.IsNullOrWhiteSpace(c)) { groups[r] = -1; continue; }
            if (!index.TryGetValue(c, out var g))
            {
                g = names.Count;
                index[c] = g;
                names.Add(c);
            }
            groups[r] = g;
        }
        return new CategoryLabels(source, names, groups, ids);
    }
}
