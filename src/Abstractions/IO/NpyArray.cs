namespace RepLens.Abstractions.IO;

/// <summary>
/// An array read from a <c>.npy</c> file: its values in C (row-major) order, whatever the file's
/// order, and its shape.
/// </summary>
/// <typeparam name="T">The element type the values were converted to.</typeparam>
public sealed class NpyArray<T>
{
    private readonly long[] _shape;

    internal NpyArray(T[] data, long[] shape, NpyDataType sourceType)
    {
        Data = data;
        _shape = shape;
        SourceType = sourceType;
    }

    /// <summary>The values in C (row-major) order; ElementCount values.</summary>
    public T[] Data { get; }

    /// <summary>The shape; empty for a 0-d array.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The element type stored in the file.</summary>
    public NpyDataType SourceType { get; }

    /// <summary>Length of dimension <paramref name="axis"/> as an <see cref="int"/>.</summary>
    /// <param name="axis">The dimension.</param>
    public int Dimension(int axis) => checked((int)_shape[axis]);
}
