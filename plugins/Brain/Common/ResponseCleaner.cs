namespace RepLens.Plugins.Brain.Common;

/// <summary>The NaN policy: columns (voxels) with a NaN or infinite value for any stimulus are dropped and reported.</summary>
internal static class ResponseCleaner
{
    /// <summary>Indices of the columns of a row-major (rows × columns) matrix that hold a non-finite value.</summary>
    public static List<int> NonFiniteColumns(ReadOnlySpan<float> data, int rows, int columns)
    {
        var bad = new bool[columns];
        for (int r = 0; r < rows; r++)
        {
            var row = data.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++)
                if (!float.IsFinite(row[c])) bad[c] = true;
        }
        var list = new List<int>();
        for (int c = 0; c < columns; c++) if (bad[c]) list.Add(c);
        return list;
    }

    /// <summary>The matrix without the columns in <paramref name="drop"/> (sorted).</summary>
    public static float[] DropColumns(float[] data, int rows, int columns, IReadOnlyList<int> drop)
    {
        if (drop.Count == 0) return data;
        var keep = new List<int>(columns - drop.Count);
        int d = 0;
        for (int c = 0; c < columns; c++)
        {
            if (d < drop.Count && drop[d] == c) { d++; continue; }
            keep.Add(c);
        }
        var result = new float[(long)rows * keep.Count];
        for (int r = 0; r < rows; r++)
        {
            var src = data.AsSpan(r * columns, columns);
            var dst = result.AsSpan(r * keep.Count, keep.Count);
            for (int k = 0; k < keep.Count; k++) dst[k] = src[keep[k]];
        }
        return result;
    }

    /// <summary>A short list of items for a message: the first few, then a count.</summary>
    public static string FirstFew<T>(IEnumerable<T> items, int few = 8)
    {
        var list = items.Take(few + 1).ToList();
        return list.Count <= few ? string.Join(", ", list) : string.Join(", ", list.Take(few)) + ", …";
    }
}
