using RepLens.Abstractions;
using static TorchSharp.torch;

namespace RepLens.Rsa.Units;

/// <summary>
/// Per-unit means and sums of squares of every group of stimuli (category) of an (N × U) response
/// matrix, computed in one streaming pass over column blocks, so that a layer of 800,000 units is
/// never held twice in memory. t-tests between any two groups or unions of groups then need no
/// further pass (<see cref="UnitTTest"/>, <see cref="UnitGroupSummary.Pool"/>).
/// </summary>
public sealed class UnitGroupStatistics
{
    private readonly UnitGroupSummary[] _groups;

    private UnitGroupStatistics(UnitGroupSummary[] groups, long units)
    {
        _groups = groups;
        Units = units;
    }

    /// <summary>U, the number of units (columns).</summary>
    public long Units { get; }

    /// <summary>Number of groups.</summary>
    public int GroupCount => _groups.Length;

    /// <summary>The summary of group <paramref name="group"/>.</summary>
    /// <param name="group">Group index, 0 … GroupCount − 1.</param>
    public UnitGroupSummary this[int group] => _groups[group];

    /// <summary>The pooled summary of every group except <paramref name="group"/> ("the rest").</summary>
    /// <param name="group">The excluded group.</param>
    public UnitGroupSummary AllExcept(int group) =>
        UnitGroupSummary.Pool(_groups.Where((_, g) => g != group).ToArray());

    /// <summary>
    /// Computes per-group statistics of each column of <paramref name="responses"/> in one pass. Means
    /// and sums of squares are two-pass within each column block, in float64.
    /// </summary>
    /// <param name="responses">(N × U) responses: stimuli × units.</param>
    /// <param name="groupOfRow">For each of the N rows, its group 0 … groupCount − 1, or −1 to leave the row out.</param>
    /// <param name="groupCount">Number of groups.</param>
    /// <param name="rectify">Use max(x, 0) instead of x (the Category Selectivity Index is defined on rectified responses).</param>
    /// <param name="memoryBudgetBytes">Bytes for the column-block buffers (default 256 MiB).</param>
    /// <exception cref="ArgumentException">Labels do not match the rows or name an unknown group.</exception>
    public static UnitGroupStatistics Compute(IFeatureMatrix responses, IReadOnlyList<int> groupOfRow, int groupCount,
        bool rectify = false, long memoryBudgetBytes = 256L << 20)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(groupOfRow);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 1);
        int n = responses.Rows;
        if (groupOfRow.Count != n)
            throw new ArgumentException($"{groupOfRow.Count} group labels were given for {n} rows.", nameof(groupOfRow));
        for (int r = 0; r < n; r++)
            if (groupOfRow[r] < -1 || groupOfRow[r] >= groupCount)
                throw new ArgumentException($"Row {r} has group {groupOfRow[r]}; groups are 0 … {groupCount - 1} (or −1 to leave a row out).", nameof(groupOfRow));
        if (responses.Columns > Array.MaxLength)
            throw new ArgumentException($"{responses.Columns} units are more than one array holds.", nameof(responses));
        int units = (int)responses.Columns;
        var counts = new int[groupCount];
        var rows = new List<long>[groupCount];
        for (int g = 0; g < groupCount; g++) rows[g] = [];
        for (int r = 0; r < n; r++)
            if (groupOfRow[r] >= 0) { counts[groupOfRow[r]]++; rows[groupOfRow[r]].Add(r); }
        var means = new double[groupCount][];
        var m2 = new double[groupCount][];
        for (int g = 0; g < groupCount; g++) { means[g] = new double[units]; m2[g] = new double[units]; }

        // Two buffers' worth per column: the block and one group's copy.
        long perColumn = Math.Max(1L, n) * sizeof(double) * 2;
        int block = (int)Math.Clamp(Math.Min(memoryBudgetBytes, 128L << 20) / perColumn, 1, Math.Max(1, units));
        var buffer = GC.AllocateUninitializedArray<double>(Math.Max(1, n * block), pinned: true);
        using var whole = from_array(buffer);
        var index = new Tensor?[groupCount];
        try
        {
            for (int g = 0; g < groupCount; g++)
                if (counts[g] > 0) index[g] = tensor(rows[g].ToArray(), ScalarType.Int64);
            for (long start = 0; start < units; start += block)
            {
                int c = (int)Math.Min(block, units - start);
                responses.ReadColumns(start, c, buffer.AsSpan(0, n * c));
                using var scope = NewDisposeScope();
                var x = whole.narrow(0, 0, (long)n * c).view(n, c);
                if (rectify) x.relu_();
                for (int g = 0; g < groupCount; g++)
                {
                    if (index[g] is null) continue;
                    var xg = x.index_select(0, index[g]!);
                    var mean = xg.mean([0L], false, ScalarType.Float64);
                    var dev = xg - mean;
                    var ss = (dev * dev).sum(0, false, ScalarType.Float64);
                    CopyInto(mean, means[g], (int)start, c);
                    CopyInto(ss, m2[g], (int)start, c);
                }
            }
        }
        finally
        {
            foreach (var t in index) t?.Dispose();
        }
        var groups = new UnitGroupSummary[groupCount];
        for (int g = 0; g < groupCount; g++) groups[g] = new UnitGroupSummary(counts[g], means[g], m2[g]);
        return new UnitGroupStatistics(groups, units);
    }

    private static void CopyInto(Tensor t, double[] target, int offset, int count) =>
        t.data<double>().CopyTo(target.AsSpan(offset, count), 0, 0);
}
