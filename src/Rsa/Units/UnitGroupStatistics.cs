using System.Numerics;
using System.Runtime.InteropServices;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Rsa.Units;

/// <summary>
/// Per-unit means and sums of squares of every group of stimuli (category) of an (N × U) response
/// matrix, computed in one streaming pass over column blocks, so that a layer of 800,000 units is
/// never held twice in memory. t-tests between any two groups or unions of groups then need no
/// further pass (<see cref="UnitTTest"/>, <see cref="UnitGroupSummary.Pool"/>, <see cref="UnitSelectivity"/>).
/// </summary>
/// <remarks>
/// The pass reads the next column block on a second thread while the current one is summarised;
/// each block is summarised in tiles of columns (in parallel) whose N rows fit <see cref="TileBytes"/>,
/// so that the second pass over a tile's rows (the squared deviations) is served from the CPU cache. The
/// arithmetic is float64 SIMD over units: float32 sources are widened in the tile, never copied whole.
/// </remarks>
public sealed class UnitGroupStatistics
{
    /// <summary>Bytes of source values per tile of a block (one task; about a core's L2 cache, so the second pass hits it).</summary>
    public const int TileBytes = 256 << 10;

    /// <summary>Largest block buffer the pass uses, whatever the budget (larger blocks gain nothing).</summary>
    public const long MaxBlockBufferBytes = 16L << 20;

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

    /// <summary>Wraps summaries computed elsewhere (e.g. merged shards) over the same units.</summary>
    /// <param name="groups">One summary per group, all over the same U units.</param>
    public static UnitGroupStatistics FromSummaries(IReadOnlyList<UnitGroupSummary> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0) throw new ArgumentException("At least one group is needed.", nameof(groups));
        int units = groups[0].Units;
        if (groups.Any(g => g.Units != units)) throw new ArgumentException("Every group summary must cover the same units.", nameof(groups));
        return new UnitGroupStatistics(groups.ToArray(), units);
    }

    /// <summary>
    /// Computes per-group statistics of each column of <paramref name="responses"/> in one pass. Means
    /// and sums of squares are two-pass within each tile of columns, in float64.
    /// </summary>
    /// <param name="responses">(N × U) responses: stimuli × units.</param>
    /// <param name="groupOfRow">For each of the N rows, its group 0 … groupCount − 1, or −1 to leave the row out.</param>
    /// <param name="groupCount">Number of groups.</param>
    /// <param name="rectify">Use max(x, 0) instead of x for every statistic.</param>
    /// <param name="memoryBudgetBytes">Bytes for the two column-block buffers (default 256 MiB; each buffer at most <see cref="MaxBlockBufferBytes"/>).</param>
    /// <param name="rectifiedMeans">
    /// Also accumulate, in the same pass, the mean of max(x, 0) per group and unit
    /// (<see cref="UnitGroupSummary.RectifiedMean"/>; the Category Selectivity Index is defined on it).
    /// </param>
    /// <exception cref="ArgumentException">Labels do not match the rows or name an unknown group.</exception>
    public static UnitGroupStatistics Compute(IFeatureMatrix responses, IReadOnlyList<int> groupOfRow, int groupCount,
        bool rectify = false, long memoryBudgetBytes = 256L << 20, bool rectifiedMeans = false)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(groupOfRow);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBudgetBytes, 1L);
        int n = responses.Rows;
        if (groupOfRow.Count != n)
            throw new ArgumentException($"{groupOfRow.Count} group labels were given for {n} rows.", nameof(groupOfRow));
        for (int r = 0; r < n; r++)
            if (groupOfRow[r] < -1 || groupOfRow[r] >= groupCount)
                throw new ArgumentException($"Row {r} has group {groupOfRow[r]}; groups are 0 … {groupCount - 1} (or −1 to leave a row out).", nameof(groupOfRow));
        if (responses.Columns > Array.MaxLength)
            throw new ArgumentException($"{responses.Columns} units are more than one array holds.", nameof(responses));
        int units = (int)responses.Columns;
        var rows = new int[groupCount][];
        for (int g = 0; g < groupCount; g++)
            rows[g] = Enumerable.Range(0, n).Where(r => groupOfRow[r] == g).ToArray();
        var pass = new Pass(rows, units, rectify, rectifiedMeans);
        if (units > 0 && n > 0)
        {
            bool asFloat = IsFloat32(responses);
            int elementSize = asFloat ? sizeof(float) : sizeof(double);
            long perBuffer = Math.Clamp(memoryBudgetBytes / 2, 1, MaxBlockBufferBytes);
            int tile = (int)Math.Clamp(TileBytes / ((long)n * elementSize), 16, 4096);
            tile -= tile % Vector<float>.Count;
            int block = (int)Math.Clamp(perBuffer / ((long)n * elementSize), 1, units);
            if (block > tile) block -= block % tile;
            if (asFloat) pass.Run<float>(responses, block, tile);
            else pass.Run<double>(responses, block, tile);
        }
        var groups = new UnitGroupSummary[groupCount];
        for (int g = 0; g < groupCount; g++)
            groups[g] = new UnitGroupSummary(rows[g].Length, pass.Means[g], pass.SumsOfSquares[g]) { RectifiedMean = pass.Rectified?[g] };
        return new UnitGroupStatistics(groups, units);
    }

    /// <summary>Sources whose values are float32, read as such and widened in the tile (same values as reading float64).</summary>
    private static bool IsFloat32(IFeatureMatrix m) =>
        m is FloatMatrix || (m is NpyMatrix npy && npy.Header.DataType == NpyDataType.Float32);

    /// <summary>One streaming pass: block buffers, the prefetching read loop and the per-tile kernel.</summary>
    private sealed class Pass(int[][] rows, int units, bool rectify, bool rectifiedMeans)
    {
        public double[][] Means { get; } = rows.Select(_ => new double[units]).ToArray();
        public double[][] SumsOfSquares { get; } = rows.Select(_ => new double[units]).ToArray();
        public double[][]? Rectified { get; } = rectifiedMeans ? rows.Select(_ => new double[units]).ToArray() : null;

        public void Run<T>(IFeatureMatrix source, int block, int tile) where T : unmanaged
        {
            int n = source.Rows;
            var current = GC.AllocateUninitializedArray<T>(n * block);
            var next = units > block ? GC.AllocateUninitializedArray<T>(n * block) : null;
            Read(source, 0, Math.Min(block, units), current);
            for (long start = 0; start < units; start += block)
            {
                int c = (int)Math.Min(block, units - start);
                long following = start + block;
                Task? prefetch = null;
                if (following < units)
                {
                    var buffer = next!;
                    int fc = (int)Math.Min(block, units - following);
                    prefetch = Task.Run(() => Read(source, following, fc, buffer));
                }
                try
                {
                    Summarise(current, n, c, (int)start, tile);
                }
                finally
                {
                    prefetch?.Wait();
                }
                if (prefetch is not null) (current, next) = (next!, current);
            }
        }

        private static void Read<T>(IFeatureMatrix source, long start, int count, T[] buffer) where T : unmanaged
        {
            var span = buffer.AsSpan(0, source.Rows * count);
            if (typeof(T) == typeof(float)) source.ReadColumns(start, count, MemoryMarshal.Cast<T, float>(span));
            else source.ReadColumns(start, count, MemoryMarshal.Cast<T, double>(span));
        }

        private void Summarise<T>(T[] block, int n, int columns, int offset, int tile) where T : unmanaged
        {
            int tiles = (columns + tile - 1) / tile;
            // Float32 sources are widened row by row inside the kernel; with rectify (rare) through a float64 scratch tile.
            bool scratchNeeded = typeof(T) == typeof(float) && rectify;
            Parallel.For(0, tiles, () => scratchNeeded ? new double[n * tile] : Array.Empty<double>(), (t, _, scratch) =>
            {
                int t0 = t * tile, width = Math.Min(tile, columns - t0);
                for (int g = 0; g < rows.Length; g++)
                {
                    if (rows[g].Length != 0 && typeof(T) == typeof(float) && !rectify)
                        KernelFloat(MemoryMarshal.Cast<T, float>(block.AsSpan()).Slice(t0), columns, width, rows[g],
                            Means[g].AsSpan(offset + t0, width), SumsOfSquares[g].AsSpan(offset + t0, width),
                            Rectified is null ? default : Rectified[g].AsSpan(offset + t0, width));
                }
                if (typeof(T) == typeof(float) && !rectify) return scratch;
                ReadOnlySpan<double> data;
                int stride;
                if (typeof(T) == typeof(float))
                {
                    var source = MemoryMarshal.Cast<T, float>(block.AsSpan());
                    for (int r = 0; r < n; r++) Widen(source.Slice(r * columns + t0, width), scratch.AsSpan(r * width, width));
                    data = scratch.AsSpan(0, n * width);
                    stride = width;
                }
                else
                {
                    data = MemoryMarshal.Cast<T, double>(block.AsSpan()).Slice(t0);
                    stride = columns;
                }
                for (int g = 0; g < rows.Length; g++)
                {
                    if (rows[g].Length == 0) continue;
                    Kernel(data, stride, width, rows[g], rectify,
                        Means[g].AsSpan(offset + t0, width), SumsOfSquares[g].AsSpan(offset + t0, width),
                        Rectified is null ? default : Rectified[g].AsSpan(offset + t0, width));
                }
                return scratch;
            }, _ => { });
        }

        private static void Widen(ReadOnlySpan<float> from, Span<double> to)
        {
            int vw = from.Length - from.Length % Vector<float>.Count;
            var fromV = MemoryMarshal.Cast<float, Vector<float>>(from[..vw]);
            var toV = MemoryMarshal.Cast<double, Vector<double>>(to[..vw]);
            for (int i = 0; i < fromV.Length; i++) Vector.Widen(fromV[i], out toV[2 * i], out toV[2 * i + 1]);
            for (int c = vw; c < from.Length; c++) to[c] = from[c];
        }

        /// <summary>As <see cref="Kernel"/> for float32 rows (no rectify), widening each vector to float64 in registers.</summary>
        private static void KernelFloat(ReadOnlySpan<float> data, int stride, int width, int[] rows,
            Span<double> mean, Span<double> m2, Span<double> rectified)
        {
            int vw = width - width % Vector<float>.Count;
            bool withRect = !rectified.IsEmpty;
            var zero = Vector<double>.Zero;
            mean.Clear();
            if (withRect) rectified.Clear();
            var meanV = MemoryMarshal.Cast<double, Vector<double>>(mean[..vw]);
            var rectV = withRect ? MemoryMarshal.Cast<double, Vector<double>>(rectified[..vw]) : default;
            foreach (int r in rows)
            {
                var row = data.Slice(r * stride, width);
                var rowV = MemoryMarshal.Cast<float, Vector<float>>(row[..vw]);
                if (withRect)
                {
                    for (int i = 0; i < rowV.Length; i++)
                    {
                        Vector.Widen(rowV[i], out var lo, out var hi);
                        meanV[2 * i] += lo;
                        meanV[2 * i + 1] += hi;
                        rectV[2 * i] += Vector.Max(lo, zero);
                        rectV[2 * i + 1] += Vector.Max(hi, zero);
                    }
                }
                else
                {
                    for (int i = 0; i < rowV.Length; i++)
                    {
                        Vector.Widen(rowV[i], out var lo, out var hi);
                        meanV[2 * i] += lo;
                        meanV[2 * i + 1] += hi;
                    }
                }
                for (int c = vw; c < width; c++)
                {
                    double v = row[c];
                    mean[c] += v;
                    if (withRect) rectified[c] += Math.Max(v, 0);
                }
            }
            double count = rows.Length;
            for (int c = 0; c < width; c++) mean[c] /= count;
            if (withRect)
                for (int c = 0; c < width; c++) rectified[c] /= count;

            m2.Clear();
            var m2V = MemoryMarshal.Cast<double, Vector<double>>(m2[..vw]);
            foreach (int r in rows)
            {
                var row = data.Slice(r * stride, width);
                var rowV = MemoryMarshal.Cast<float, Vector<float>>(row[..vw]);
                for (int i = 0; i < rowV.Length; i++)
                {
                    Vector.Widen(rowV[i], out var lo, out var hi);
                    var d0 = lo - meanV[2 * i];
                    var d1 = hi - meanV[2 * i + 1];
                    m2V[2 * i] += d0 * d0;
                    m2V[2 * i + 1] += d1 * d1;
                }
                for (int c = vw; c < width; c++)
                {
                    double d = row[c] - mean[c];
                    m2[c] += d * d;
                }
            }
        }

        /// <summary>Mean, M2 and (optionally) the rectified mean of <paramref name="width"/> columns over the rows of one group.</summary>
        private static void Kernel(ReadOnlySpan<double> data, int stride, int width, int[] rows, bool rectify,
            Span<double> mean, Span<double> m2, Span<double> rectified)
        {
            int vw = width - width % Vector<double>.Count;
            bool withRect = !rectified.IsEmpty;
            var zero = Vector<double>.Zero;
            mean.Clear();
            if (withRect) rectified.Clear();
            var meanV = MemoryMarshal.Cast<double, Vector<double>>(mean[..vw]);
            var rectV = withRect ? MemoryMarshal.Cast<double, Vector<double>>(rectified[..vw]) : default;
            foreach (int r in rows)
            {
                var row = data.Slice(r * stride, width);
                var rowV = MemoryMarshal.Cast<double, Vector<double>>(row[..vw]);
                for (int i = 0; i < rowV.Length; i++)
                {
                    var v = rectify ? Vector.Max(rowV[i], zero) : rowV[i];
                    meanV[i] += v;
                    if (withRect) rectV[i] += Vector.Max(v, zero);
                }
                for (int c = vw; c < width; c++)
                {
                    double v = rectify ? Math.Max(row[c], 0) : row[c];
                    mean[c] += v;
                    if (withRect) rectified[c] += Math.Max(v, 0);
                }
            }
            double count = rows.Length;
            for (int c = 0; c < width; c++) mean[c] /= count;
            if (withRect)
                for (int c = 0; c < width; c++) rectified[c] /= count;

            m2.Clear();
            var m2V = MemoryMarshal.Cast<double, Vector<double>>(m2[..vw]);
            foreach (int r in rows)
            {
                var row = data.Slice(r * stride, width);
                var rowV = MemoryMarshal.Cast<double, Vector<double>>(row[..vw]);
                for (int i = 0; i < rowV.Length; i++)
                {
                    var d = (rectify ? Vector.Max(rowV[i], zero) : rowV[i]) - meanV[i];
                    m2V[i] += d * d;
                }
                for (int c = vw; c < width; c++)
                {
                    double d = (rectify ? Math.Max(row[c], 0) : row[c]) - mean[c];
                    m2[c] += d * d;
                }
            }
        }
    }
}
