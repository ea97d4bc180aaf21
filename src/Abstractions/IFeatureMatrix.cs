namespace RepLens.Abstractions;

/// <summary>
/// A read-only (Rows × Columns) matrix of features — activations (stimuli × units), voxels, saliency
/// pixels — that may live in memory, in a memory-mapped <c>.npy</c> file or in cache chunks. The RSA
/// core reads it in column blocks, so that the number of columns can exceed memory.
/// </summary>
public interface IFeatureMatrix
{
    /// <summary>Number of rows (stimuli).</summary>
    int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    long Columns { get; }

    /// <summary>
    /// Copies columns <c>[start, start + count)</c> of every row into <paramref name="destination"/>,
    /// row-major: (Rows × count) values.
    /// </summary>
    /// <param name="start">First column.</param>
    /// <param name="count">Number of columns.</param>
    /// <param name="destination">At least Rows × count values.</param>
    void ReadColumns(long start, int count, Span<float> destination);

    /// <summary>As <see cref="ReadColumns(long, int, Span{float})"/>, widening to float64 (exact for float64 sources).</summary>
    /// <param name="start">First column.</param>
    /// <param name="count">Number of columns.</param>
    /// <param name="destination">At least Rows × count values.</param>
    void ReadColumns(long start, int count, Span<double> destination);
}
