using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using static TorchSharp.torch;

namespace RepLens.Rsa.Rdms;

/// <summary>
/// Computes RDMs from an (N × P) feature matrix (activations, voxels, saliency maps) through its Gram
/// matrix, reading P in column blocks sized by a memory budget so that P may run into the millions:
/// cosine, correlation (1 − Pearson r), Euclidean and squared Euclidean distances, as SciPy's
/// <c>pdist</c> defines them. See <see cref="GramAccumulator"/> for the arithmetic and its accuracy.
/// </summary>
/// <remarks>
/// Memory: peak resident memory stays within <see cref="RdmOptions.MemoryBudgetBytes"/> plus the
/// (N × N) result and a constant for the runtime and libtorch (measured in docs/PERFORMANCE.md),
/// provided the source does not itself keep what it reads resident (a memory-mapped
/// <c>NpyMatrix</c> does; the default positioned reads do not).
/// Method: Kriegeskorte, Mur &amp; Bandettini (2008), Representational similarity analysis,
/// doi:10.3389/neuro.06.004.2008; metrics as in Nili et al. (2014), rsatoolbox,
/// doi:10.1371/journal.pcbi.1003553.
/// </remarks>
public static class RdmCalculator
{
    /// <summary>Largest feature-block buffer the planner chooses, whatever the budget (larger blocks gain nothing).</summary>
    public const long MaxBlockBufferBytes = 64L << 20;

    /// <summary>Computes the RDM of the rows of <paramref name="features"/>.</summary>
    /// <param name="features">(N × P) features, one row per stimulus.</param>
    /// <param name="ids">N unique stimulus ids, in row order.</param>
    /// <param name="metric">The dissimilarity.</param>
    /// <param name="options">Precision, device, memory budget; defaults if null.</param>
    /// <param name="logger">Receives warnings (undefined rows) and the block plan; optional.</param>
    /// <returns>The condensed RDM (float64) and the warnings.</returns>
    /// <exception cref="ArgumentException">Ids do not match the rows, are not unique, or the budget is too small.</exception>
    public static RdmResult Compute(IFeatureMatrix features, IReadOnlyList<string> ids, DistanceMetric metric,
        RdmOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(ids);
        CheckIds(ids, features.Rows);
        if (features.Columns < 1)
            throw new ArgumentException($"The feature matrix has no columns; an RDM over {features.Rows} stimuli needs at least one feature.", nameof(features));
        options ??= new RdmOptions();
        using var acc = Accumulate(features, 0, features.Columns, options, out int block, logger);
        return acc.Finish(ids, metric, logger, block);
    }

    /// <summary>
    /// Accumulates the Gram statistics of columns [<paramref name="start"/>, start + count) — one
    /// shard of a layer. Merge shards with <see cref="GramAccumulator.Merge"/> and finish with
    /// <see cref="GramAccumulator.ToRdm"/>.
    /// </summary>
    /// <param name="features">(N × P) features.</param>
    /// <param name="start">First column of the shard.</param>
    /// <param name="count">Number of columns in the shard.</param>
    /// <param name="options">Precision, device, memory budget; defaults if null.</param>
    /// <returns>The accumulator (dispose it).</returns>
    public static GramAccumulator Accumulate(IFeatureMatrix features, long start, long count, RdmOptions? options = null) =>
        Accumulate(features, start, count, options ?? new RdmOptions(), out _, null);

    /// <summary>
    /// Features per block for N rows under <paramref name="options"/>: as many as fit the memory budget
    /// after the (N × N) working matrices, at most <paramref name="columns"/> and at most
    /// <see cref="MaxBlockBufferBytes"/> per buffer. The host uses it to plan layer groups.
    /// </summary>
    /// <param name="rows">N.</param>
    /// <param name="columns">P.</param>
    /// <param name="options">The options (budget, precision, prefetch).</param>
    /// <exception cref="ArgumentException">The budget does not hold even one column.</exception>
    public static int PlanBlockColumns(int rows, long columns, RdmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1L);
        if (options.BlockColumns is int fixedColumns)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(fixedColumns, 1, nameof(options.BlockColumns));
            return (int)Math.Min(fixedColumns, columns);
        }
        long es = options.Precision == RsaPrecision.Float64 ? 8 : 4;
        long accEs = options.Precision == RsaPrecision.Float64 || options.AccumulateInFloat64 ? 8 : 4;
        long square = (long)rows * rows;
        // The Gram accumulator and one tile product (the condensed result is outside the budget).
        long fixedBytes = square * (accEs + es);
        long buffers = options.Prefetch ? 2 : 1;
        long perColumn = rows * es * buffers;
        long available = options.MemoryBudgetBytes - fixedBytes;
        if (available < perColumn)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A memory budget of {Bytes(options.MemoryBudgetBytes)} is too small for {rows} stimuli: the (N × N) working matrices need {Bytes(fixedBytes)} and each feature column {perColumn} bytes more; give at least {Bytes(fixedBytes + perColumn * Math.Min(columns, 256))}."),
                nameof(options));
        long b = available / perColumn;
        b = Math.Min(b, MaxBlockBufferBytes / (rows * es));
        b = Math.Min(b, Array.MaxLength / rows);
        return (int)Math.Clamp(b, 1, columns);
    }

    internal static void CheckIds(IReadOnlyList<string> ids, int rows)
    {
        if (ids.Count != rows)
            throw new ArgumentException($"{ids.Count} stimulus ids were given for {rows} rows.", nameof(ids));
        if (rows < 2)
            throw new ArgumentException($"An RDM needs at least 2 stimuli; got {rows}.", nameof(ids));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
            if (!seen.Add(id)) throw new ArgumentException($"Stimulus id '{id}' occurs more than once.", nameof(ids));
    }

    private static GramAccumulator Accumulate(IFeatureMatrix features, long start, long count, RdmOptions options, out int block, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (start < 0 || count < 1 || start + count > features.Columns)
            throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) are not a non-empty range of a matrix with {features.Columns} columns.");
        int n = features.Rows;
        block = PlanBlockColumns(n, count, options);
        logger?.LogDebug("Gram accumulation: {Rows} rows × {Columns} features in blocks of {Block} ({Precision}, prefetch {Prefetch}).",
            n, count, block, options.Precision, options.Prefetch);
        var acc = new GramAccumulator(n, options);
        try
        {
            if (options.Precision == RsaPrecision.Float64) Run<double>(features, start, count, block, acc, options.Prefetch);
            else Run<float>(features, start, count, block, acc, options.Prefetch);
            return acc;
        }
        catch
        {
            acc.Dispose();
            throw;
        }
    }

    private static void Run<T>(IFeatureMatrix features, long start, long count, int block, GramAccumulator acc, bool prefetch) where T : unmanaged
    {
        int n = features.Rows;
        long blocks = (count + block - 1) / block;
        int bufferCount = prefetch && blocks > 1 ? 2 : 1;
        // Pinned buffers wrapped by tensors that share their memory: a block is read straight into
        // the memory the matrix product reads.
        var arrays = new T[bufferCount][];
        var tensors = new Tensor[bufferCount];
        try
        {
            for (int b = 0; b < bufferCount; b++)
            {
                arrays[b] = GC.AllocateUninitializedArray<T>(n * block, pinned: true);
                tensors[b] = from_array(arrays[b]);
            }
            Task? pending = null;
            Read(0, arrays[0]);
            for (long k = 0; k < blocks; k++)
            {
                int current = (int)(k % bufferCount);
                int columns = ColumnsOf(k);
                if (k + 1 < blocks)
                {
                    var nextBuffer = arrays[(k + 1) % bufferCount];
                    long next = k + 1;
                    if (bufferCount == 2) pending = Task.Run(() => Read(next, nextBuffer));
                }
                using (var view = tensors[current].narrow(0, 0, (long)n * columns).view(n, columns))
                    acc.AddInPlace(view);
                if (pending is not null)
                {
                    pending.GetAwaiter().GetResult();
                    pending = null;
                }
                else if (k + 1 < blocks)
                {
                    Read(k + 1, arrays[0]);
                }
            }
        }
        finally
        {
            foreach (var t in tensors) t?.Dispose();
        }

        int ColumnsOf(long k) => (int)Math.Min(block, count - k * block);

        void Read(long k, T[] buffer)
        {
            int columns = ColumnsOf(k);
            long from = start + k * block;
            if (typeof(T) == typeof(float)) features.ReadColumns(from, columns, ((float[])(object)buffer).AsSpan(0, n * columns));
            else features.ReadColumns(from, columns, ((double[])(object)buffer).AsSpan(0, n * columns));
        }
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        _ => $"{bytes} bytes",
    };
}
