namespace RepLens.Abstractions;

/// <summary>A dense row-major (Rows × Columns) float32 matrix, e.g. (stimuli × voxels) or (stimuli × features).</summary>
public sealed class FloatMatrix : IFeatureMatrix
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="data">Rows × Columns values, row-major.</param>
    /// <exception cref="ArgumentException">The length does not match the shape.</exception>
    public FloatMatrix(int rows, int columns, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (data.LongLength != (long)rows * columns)
            throw new ArgumentException($"A {rows} × {columns} matrix has {(long)rows * columns} values; got {data.LongLength}.");
        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    long IFeatureMatrix.Columns => Columns;

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>One row.</summary>
    /// <param name="row">Row index.</param>
    public Span<float> Row(int row) => Data.AsSpan(row * Columns, Columns);

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<float> destination)
    {
        CheckBlock(start, count, destination.Length);
        for (int r = 0; r < Rows; r++)
            Data.AsSpan(r * Columns + (int)start, count).CopyTo(destination.Slice(r * count, count));
    }

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<double> destination)
    {
        CheckBlock(start, count, destination.Length);
        for (int r = 0; r < Rows; r++)
        {
            var src = Data.AsSpan(r * Columns + (int)start, count);
            var dst = destination.Slice(r * count, count);
            for (int c = 0; c < count; c++) dst[c] = src[c];
        }
    }

    private void CheckBlock(long start, int count, int destinationLength)
    {
        if (start < 0 || count < 0 || start + count > Columns)
            throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) are outside a matrix with {Columns} columns.");
        if (destinationLength < (long)Rows * count)
            throw new ArgumentException($"The destination holds {destinationLength} values; {Rows} × {count} are needed.");
    }
}
