using System.Buffers;
using RepLens.Abstractions;

namespace RepLens.Rsa.Units;

/// <summary>
/// The (N × S) matrix of selected columns of an (N × P) source — e.g. the units of a layer selective for
/// one category, whose RDM <see cref="Rdms.RdmCalculator"/> then computes without copying the layer.
/// Blocks are read from the source in windows spanning the selected columns, so a block costs one
/// read of the source per window rather than one per column.
/// </summary>
public sealed class ColumnSubset : IFeatureMatrix
{
    private const long WindowBytes = 16L << 20;

    private readonly IFeatureMatrix _source;
    private readonly long[] _columns;

    /// <summary>Selects <paramref name="columns"/> of <paramref name="source"/>.</summary>
    /// <param name="source">The (N × P) matrix.</param>
    /// <param name="columns">Strictly ascending column indices in [0, P).</param>
    /// <exception cref="ArgumentException">Columns are out of range or not strictly ascending.</exception>
    public ColumnSubset(IFeatureMatrix source, IReadOnlyList<long> columns)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(columns);
        _source = source;
        _columns = columns.ToArray();
        for (int i = 0; i < _columns.Length; i++)
        {
            if (_columns[i] < 0 || _columns[i] >= source.Columns)
                throw new ArgumentException($"Column {_columns[i]} is outside a matrix with {source.Columns} columns.", nameof(columns));
            if (i > 0 && _columns[i] <= _columns[i - 1])
                throw new ArgumentException($"Columns must be strictly ascending; [{i - 1}] = {_columns[i - 1]}, [{i}] = {_columns[i]}.", nameof(columns));
        }
    }

    /// <inheritdoc />
    public int Rows => _source.Rows;

    /// <summary>S, the number of selected columns.</summary>
    public long Columns => _columns.Length;

    /// <summary>The selected source columns, ascending.</summary>
    public IReadOnlyList<long> SourceColumns => _columns;

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<float> destination) => Read(start, count, destination, sizeof(float));

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<double> destination) => Read(start, count, destination, sizeof(double));

    /// <summary>Copies the selected columns into memory: one sweep over the source.</summary>
    public FloatMatrix ToFloatMatrix()
    {
        if ((long)Rows * _columns.Length > Array.MaxLength)
            throw new InvalidOperationException($"{Rows} × {_columns.Length} values are more than one array holds.");
        var data = GC.AllocateUninitializedArray<float>(Rows * _columns.Length);
        ReadColumns(0, _columns.Length, data);
        return new FloatMatrix(Rows, _columns.Length, data);
    }

    private void Read<T>(long start, int count, Span<T> destination, int elementSize) where T : unmanaged
    {
        if (start < 0 || count < 0 || start + count > _columns.Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) are outside a subset of {_columns.Length} columns.");
        int rows = Rows;
        if (destination.Length < (long)rows * count)
            throw new ArgumentException($"The destination holds {destination.Length} values; {rows} × {count} are needed.", nameof(destination));
        if (count == 0 || rows == 0) return;
        int window = (int)Math.Clamp(WindowBytes / ((long)rows * elementSize), 1, int.MaxValue / Math.Max(1, rows));
        var scratch = ArrayPool<T>.Shared.Rent(rows * Math.Min(window, (int)Math.Min(int.MaxValue, _columns[start + count - 1] - _columns[start] + 1)));
        try
        {
            int i = 0;
            while (i < count)
            {
                long first = _columns[start + i];
                int j = i;
                while (j + 1 < count && _columns[start + j + 1] - first < window) j++;
                int width = (int)(_columns[start + j] - first + 1);
                var block = scratch.AsSpan(0, rows * width);
                if (typeof(T) == typeof(float)) _source.ReadColumns(first, width, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(block));
                else _source.ReadColumns(first, width, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(block));
                for (int r = 0; r < rows; r++)
                {
                    var from = block.Slice(r * width, width);
                    var to = destination.Slice(r * count, count);
                    for (int q = i; q <= j; q++) to[q] = from[(int)(_columns[start + q] - first)];
                }
                i = j + 1;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }
}
