using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace RepLens.Rsa.Rdms;

/// <summary>
/// Accumulates the Gram matrix of an (N × P) feature matrix over column blocks, so that P may exceed
/// memory and a layer may be split across machines: each shard adds its blocks, exports its state
/// (<see cref="Export"/>), and the merge (<see cref="Merge"/>) of the shards equals one pass up to
/// float64 rounding. <see cref="ToRdm"/> turns the result into an RDM for any
/// <see cref="DistanceMetric"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each row x is shifted by a constant c (its first value) before multiplying, and the accumulator keeps G = Σ (x − c)(x − c)ᵀ, s = Σ (x − c) and P. All
/// metrics follow exactly from these: with y = x − c,
/// correlation uses the centred Gram Gc = G − s sᵀ / P and 1 − Gc_ij / √(Gc_ii Gc_jj);
/// cosine uses x_i·x_j = G_ij + c_j s_i + c_i s_j + P c_i c_j;
/// squared Euclidean uses ‖x_i − x_j‖² = G_ii + G_jj − 2 G_ij + 2 (c_i − c_j)(s_i − s_j) + P (c_i − c_j)².
/// The shift removes the cancellation of the one-pass formula for rows with a large mean relative to
/// their spread: the float32 error of a correlation distance stays a small multiple of 1e-7 instead
/// of growing with (mean/std)² (rows of 1000 + N(0, 1): 2e-2 without the shift, below 1e-5 with it).
/// It also makes degenerate rows exact: a constant row becomes exactly zero (G_ii = 0), an all-zero
/// row has c = 0 and G_ii = 0, and NaN or infinite values make G_ii or s_i non-finite.
/// </para>
/// <para>
/// Only the Gram tiles on or above the diagonal are multiplied (see <see cref="RdmOptions.RowTile"/>).
/// Per-block products are float32 or float64 (<see cref="RdmOptions.Precision"/>); with
/// <see cref="RdmOptions.AccumulateInFloat64"/> they are summed in float64. Not thread-safe.
/// </para>
/// </remarks>
public sealed class GramAccumulator : IDisposable
{
    private readonly Device _device;
    private readonly ScalarType _blockType;
    private readonly ScalarType _accType;
    private readonly (int Start, int Length)[] _tiles;
    private readonly Tensor _gram;
    private readonly Tensor _sums;
    private Tensor? _shiftAcc;   // (N) accumulator type
    private Tensor? _shiftBlock; // (N × 1) block type
    private bool _disposed;

    /// <summary>Creates an empty accumulator for N rows.</summary>
    /// <param name="rows">N, the number of stimuli (rows of every block).</param>
    /// <param name="options">Precision, device and tiling; defaults if null.</param>
    public GramAccumulator(int rows, RdmOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Options = options ?? new RdmOptions();
        Rows = rows;
        _device = TorchDevices.Resolve(Options.Device);
        _blockType = Options.Precision == RsaPrecision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        _accType = Options.Precision == RsaPrecision.Float64 || Options.AccumulateInFloat64 ? ScalarType.Float64 : ScalarType.Float32;
        _tiles = Tiles(rows, Options.RowTile);
        _gram = zeros(rows, rows, _accType, _device);
        _sums = zeros(rows, _accType, _device);
    }

    /// <summary>N, the number of rows.</summary>
    public int Rows { get; }

    /// <summary>P, the number of feature columns accumulated so far.</summary>
    public long Columns { get; private set; }

    /// <summary>The options in force.</summary>
    public RdmOptions Options { get; }

    /// <summary>The TorchSharp device doing the work, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    public string DeviceName => _device.ToString();

    /// <summary>Adds a block of columns.</summary>
    /// <param name="block">(N × columns) values, row-major.</param>
    /// <param name="columns">Number of columns in the block.</param>
    public void Add(ReadOnlySpan<float> block, int columns)
    {
        CheckBlock(block.Length, columns);
        if (columns == 0) return;
        using var scope = NewDisposeScope();
        var t = empty(Rows, columns, ScalarType.Float32);
        t.data<float>().CopyFrom(block[..(Rows * columns)], 0, 0);
        AddInPlace(t.to_type(_blockType));
    }

    /// <summary>Adds a block of columns.</summary>
    /// <param name="block">(N × columns) values, row-major.</param>
    /// <param name="columns">Number of columns in the block.</param>
    public void Add(ReadOnlySpan<double> block, int columns)
    {
        CheckBlock(block.Length, columns);
        if (columns == 0) return;
        using var scope = NewDisposeScope();
        var t = empty(Rows, columns, ScalarType.Float64);
        t.data<double>().CopyFrom(block[..(Rows * columns)], 0, 0);
        AddInPlace(t.to_type(_blockType));
    }

    /// <summary>
    /// Adds an (N × c) block tensor of the block type. The tensor may be modified (the shift is
    /// subtracted in place when it is already on the device).
    /// </summary>
    internal void AddInPlace(Tensor block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var x = block.device == _device ? block : block.to(_device);
        if (_shiftBlock is null) InitShift(x);
        x.sub_(_shiftBlock!);
        // A per-block sum in the block type (pairwise, so its error grows like log of the block
        // width), accumulated across blocks in the accumulator type.
        _sums.add_(x.sum(1, false));
        bool direct = _accType == _blockType;
        foreach (var (ra, la) in _tiles)
        {
            var xa = x.narrow(0, ra, la);
            foreach (var (rb, lb) in _tiles)
            {
                if (rb < ra) continue;
                var xb = rb == ra ? xa : x.narrow(0, rb, lb);
                var target = _tiles.Length == 1 ? _gram : _gram.narrow(0, ra, la).narrow(1, rb, lb);
                if (direct) target.addmm_(xa, xb.t(), 1, 1);
                else target.add_(xa.mm(xb.t()));
            }
        }
        Columns += x.shape[1];
    }

    /// <summary>
    /// Adds another accumulator's sums (its columns are other features of the same N stimuli, in
    /// the same row order). If the two used different shifts, the other's state is re-expressed
    /// with this one's shift first (exact algebra).
    /// </summary>
    /// <param name="other">An accumulator over the same rows.</param>
    public void Merge(GramAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (other.Rows != Rows)
            throw new ArgumentException($"Cannot merge a Gram accumulator over {other.Rows} rows into one over {Rows} rows.", nameof(other));
        if (other.Columns == 0) return;
        using var scope = NewDisposeScope();
        // Only the upper triangle (diagonal included) is kept valid; adding whole matrices keeps it so.
        var g = other._gram.to(_accType, _device);
        var s = other._sums.to(_accType, _device);
        var c = other._shiftAcc!.to(_accType, _device);
        if (_shiftAcc is null)
        {
            SetShift(c);
        }
        else
        {
            // y' = y − δ with δ = c_this − c_other: G' = G − s δᵀ − δ sᵀ + P δ δᵀ, s' = s − P δ.
            var delta = _shiftAcc - c;
            double p = other.Columns;
            g = g - s.outer(delta) - delta.outer(s) + delta.outer(delta) * p;
            s = s - delta * p;
        }
        _gram.add_(g);
        _sums.add_(s);
        Columns += other.Columns;
    }

    /// <summary>The state as plain arrays (the Gram matrix symmetric and full).</summary>
    public GramState Export()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var gram = ToArray(_gram);
        int n = Rows;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) gram[(long)j * n + i] = gram[(long)i * n + j];
        return new GramState(Rows, Columns, gram, ToArray(_sums), _shiftAcc is null ? new double[Rows] : ToArray(_shiftAcc));
    }

    /// <summary>Recreates an accumulator from an exported state (to merge shards computed elsewhere).</summary>
    /// <param name="state">The state.</param>
    /// <param name="options">Options for further work; defaults if null.</param>
    public static GramAccumulator Import(GramState state, RdmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate();
        var acc = new GramAccumulator(state.Rows, options);
        using var scope = NewDisposeScope();
        acc._gram.copy_(FromArray(state.Gram, state.Rows, state.Rows));
        acc._sums.copy_(FromArray(state.RowSums, state.Rows));
        if (state.Columns > 0) acc.SetShift(FromArray(state.Shift, state.Rows).to(acc._accType, acc._device));
        acc.Columns = state.Columns;
        return acc;
    }

    /// <summary>
    /// The RDM of the accumulated features under <paramref name="metric"/>. Rows with zero norm
    /// (cosine), zero variance (correlation) or NaN/infinite values (any metric) get NaN for all
    /// their pairs, and a warning naming their ids is returned and logged: never a silent number.
    /// Cosine and correlation distances are clipped to [0, 2], squared Euclidean ones at 0.
    /// </summary>
    /// <param name="ids">N stimulus ids, in row order, unique.</param>
    /// <param name="metric">The dissimilarity.</param>
    /// <param name="logger">Receives the warnings; optional.</param>
    public RdmResult ToRdm(IReadOnlyList<string> ids, DistanceMetric metric, ILogger? logger = null) =>
        Finish(ids, metric, logger, blockColumns: 0);

    internal RdmResult Finish(IReadOnlyList<string> ids, DistanceMetric metric, ILogger? logger, int blockColumns)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        // Row by row from the (CPU, float64) Gram tensor: no second (N × N) copy on the host.
        var gram = _gram.to(ScalarType.Float64, CPU).contiguous();
        var diagonal = ToArray(gram.diagonal(0, 0, 1));
        var access = gram.data<double>();
        int n = Rows;
        return RdmFinisher.Finish(n, Columns, diagonal, ToArray(_sums), _shiftAcc is null ? new double[n] : ToArray(_shiftAcc),
            (i, row) => access.CopyTo(row, 0, (long)i * n), ids, metric, logger, blockColumns, DeviceName);
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _gram.Dispose();
        _sums.Dispose();
        _shiftAcc?.Dispose();
        _shiftBlock?.Dispose();
    }

    private void InitShift(Tensor x)
    {
        // Each row's first value: as good a centre as the mean for the cancellation (one value is
        // typically within a few standard deviations of the mean), and a constant row becomes
        // exactly zero, so zero variance is detected exactly. Non-finite values become 0.
        using var scope = NewDisposeScope();
        var first = x.narrow(1, 0, 1).squeeze(1);
        first = where(first.isfinite(), first, zeros_like(first));
        SetShift(first.to_type(_accType));
    }

    private void SetShift(Tensor shiftAcc)
    {
        _shiftAcc = shiftAcc.to(_accType, _device).clone().DetachFromDisposeScope();
        _shiftBlock = _shiftAcc.to_type(_blockType).unsqueeze(1).DetachFromDisposeScope();
    }

    private void CheckBlock(int length, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (length < (long)Rows * columns)
            throw new ArgumentException($"A block of {columns} columns over {Rows} rows needs {(long)Rows * columns} values; got {length}.");
    }

    private static (int, int)[] Tiles(int rows, int rowTile)
    {
        int tile = rowTile > 0 ? rowTile : 512;
        int count = Math.Max(1, (int)Math.Round((double)rows / tile));
        var tiles = new (int, int)[count];
        for (int t = 0; t < count; t++)
        {
            int start = (int)((long)rows * t / count);
            int end = (int)((long)rows * (t + 1) / count);
            tiles[t] = (start, end - start);
        }
        return tiles;
    }

    private static double[] ToArray(Tensor t)
    {
        using var cpu = t.to(ScalarType.Float64, CPU).contiguous();
        return cpu.data<double>().ToArray();
    }

    private static Tensor FromArray(double[] values, params long[] shape) => tensor(values, shape, ScalarType.Float64);
}
