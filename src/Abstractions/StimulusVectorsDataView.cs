using Microsoft.ML;
using Microsoft.ML.Data;

namespace RepLens.Abstractions;

/// <summary>
/// A read-only in-memory <see cref="IDataView"/> of per-stimulus vectors: the <see cref="StimulusColumns.Id"/>
/// text column and one fixed-size float32 vector column, one row per stimulus in table order. What
/// <see cref="TargetRepresentation.FromVectors(StimulusTable, IReadOnlyList{float[]}, DistanceMetric)"/>
/// returns, so that a target needs no ML.NET package beyond the data-view types.
/// </summary>
internal sealed class StimulusVectorsDataView : IDataView
{
    private readonly string[] _ids;
    private readonly float[][] _vectors;
    private readonly int _length;

    public StimulusVectorsDataView(string[] ids, float[][] vectors, int length, string column)
    {
        _ids = ids;
        _vectors = vectors;
        _length = length;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(StimulusColumns.Id, TextDataViewType.Instance);
        builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, length));
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _ids.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var c in columnsNeeded)
        {
            if (c.Index < 0 || c.Index >= active.Length || Schema[c.Index].Name != c.Name)
                throw new ArgumentException($"Column '{c.Name}' is not a column of this view ({string.Join(", ", Schema.Select(s => s.Name))}).", nameof(columnsNeeded));
            active[c.Index] = true;
        }
        return new Cursor(this, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(StimulusVectorsDataView view, bool[] active) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 < view._ids.Length)
            {
                _position++;
                return true;
            }
            _position = view._ids.Length;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)CurrentRow(), 0);

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= 0 && column.Index < active.Length && active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            if (column.Index == 0)
            {
                if (typeof(TValue) != typeof(ReadOnlyMemory<char>))
                    throw new InvalidOperationException($"Column '{column.Name}' is text (ReadOnlyMemory<char>); a getter of {typeof(TValue).Name} was asked for.");
                ValueGetter<ReadOnlyMemory<char>> ids = (ref ReadOnlyMemory<char> value) => value = view._ids[CurrentRow()].AsMemory();
                return (ValueGetter<TValue>)(Delegate)ids;
            }
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' is a float vector (VBuffer<float>); a getter of {typeof(TValue).Name} was asked for.");
            ValueGetter<VBuffer<float>> vectors = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, view._length);
                view._vectors[CurrentRow()].CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)vectors;
        }

        private int CurrentRow() => _position >= 0 && _position < view._ids.Length
            ? (int)_position
            : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first (and stop when it returns false).");
    }
}
