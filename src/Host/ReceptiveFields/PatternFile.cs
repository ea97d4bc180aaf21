using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions.IO;

namespace RepLens.Host.ReceptiveFields;

/// <summary>Reads the rows (one pattern each) of a written patterns.npy, for forward validation and comparisons.</summary>
internal sealed class PatternFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _offset;
    private readonly byte[] _buffer;

    public PatternFile(string path, int rowLength)
    {
        var header = Npy.ReadHeader(path);
        if (header.DataType != NpyDataType.Float32 || header.ElementCount % rowLength != 0)
            throw new InvalidDataException($"{path}: expected float32 patterns of {rowLength} values, found {header}.");
        RowLength = rowLength;
        Rows = header.ElementCount / rowLength;
        _offset = header.DataOffset;
        _buffer = new byte[rowLength * sizeof(float)];
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    public int RowLength { get; }

    public long Rows { get; }

    public void Read(long row, float[] destination)
    {
        _stream.Position = _offset + row * _buffer.Length;
        _stream.ReadExactly(_buffer);
        Buffer.BlockCopy(_buffer, 0, destination, 0, _buffer.Length);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Rows <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 as a view with one float vector column <c>Input</c>.</summary>
    public static IDataView View(MLContext ml, string path, int rowLength, long first, int count)
    {
        var schema = SchemaDefinition.Create(typeof(InputRow));
        schema[nameof(InputRow.Input)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rowLength);
        return ml.Data.LoadFromEnumerable(new RowSequence(path, rowLength, first, count), schema);
    }

    /// <summary>One pattern as ML.NET sees it.</summary>
    public sealed class InputRow
    {
        public float[] Input { get; set; } = Array.Empty<float>();
    }

    /// <summary>Re-readable: every enumeration opens the file again.</summary>
    private sealed class RowSequence(string path, int rowLength, long first, int count) : IEnumerable<InputRow>
    {
        public IEnumerator<InputRow> GetEnumerator()
        {
            using var file = new PatternFile(path, rowLength);
            for (int i = 0; i < count; i++)
            {
                var row = new InputRow { Input = new float[rowLength] };
                file.Read(first + i, row.Input);
                yield return row;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
