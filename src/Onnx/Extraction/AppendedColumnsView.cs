using Microsoft.ML;

namespace RepLens.Onnx.Extraction;

/// <summary>
/// The <see cref="IDataView"/> of a transformer that appends computed columns to its input's: row count
/// and shuffling are the input's, and cursors are made one at a time (the computation owns native state).
/// </summary>
internal abstract class AppendedColumnsView(IDataView input, DataViewSchema schema) : IDataView
{
    protected IDataView Input { get; } = input;

    public bool CanShuffle => Input.CanShuffle;

    public DataViewSchema Schema { get; } = schema;

    public long? GetRowCount() => Input.GetRowCount();

    public abstract DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
