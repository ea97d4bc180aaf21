using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Run;

/// <summary>
/// Streams float-vector columns of a data view (layer activations, target vectors) to one <c>.npy</c>
/// file each (N × P float32, rows in stimulus order), one pass over the view, so that no column is
/// ever held whole in memory. Rows must come in stimulus order (checked against the Id column); the
/// files appear only when all rows are written.
/// </summary>
internal static class VectorColumnWriter
{
    /// <summary>A column to write: its name in the view, its expected length, a label for messages, the output file.</summary>
    public sealed record Column(string Name, long Length, string Label, string OutputPath);

    public static void Write(
        string source,
        IDataView view,
        IReadOnlyList<Column> layers,
        StimulusTable stimuli,
        IProgress<int>? progress,
        ILogger log,
        CancellationToken ct)
    {
        if (layers.Count == 0) return;
        var schema = view.Schema;
        var idColumn = schema.GetColumnOrNull(StimulusColumns.Id)
            ?? throw new InvalidOperationException($"{source}: the output has no '{StimulusColumns.Id}' column.");
        var columns = new DataViewSchema.Column[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var c = schema.GetColumnOrNull(layers[l].Name)
                ?? throw new InvalidOperationException($"{source}: the output has no column for {layers[l].Label} (expected '{layers[l].Name}').");
            if (c.Type is not VectorDataViewType { ItemType: NumberDataViewType nt } vt || nt.RawType != typeof(float))
                throw new InvalidOperationException($"{source}, {layers[l].Label}: expected a float vector column, found {c.Type}.");
            if (vt.Size != 0 && vt.Size != layers[l].Length)
                throw new InvalidOperationException($"{source}, {layers[l].Label}: expected {layers[l].Length} values per stimulus, the column has {vt.Size}.");
            columns[l] = c;
        }

        var writers = new NpyRowWriter[layers.Count];
        try
        {
            for (int l = 0; l < layers.Count; l++)
                writers[l] = new NpyRowWriter(layers[l].OutputPath, stimuli.Count, checked((int)layers[l].Length));
            using var cursor = view.GetRowCursor(columns.Append(idColumn));
            var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(idColumn);
            var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
            var buffers = new VBuffer<float>[layers.Count];
            var dense = new float[layers.Max(l => (int)l.Length)];
            ReadOnlyMemory<char> id = default;
            int row = 0;
            while (cursor.MoveNext())
            {
                ct.ThrowIfCancellationRequested();
                idGetter(ref id);
                if (row >= stimuli.Count || !id.Span.SequenceEqual(stimuli[row].Id))
                    throw new InvalidOperationException(
                        $"{source}: returned stimulus '{id}' at row {row}, expected '{(row < stimuli.Count ? stimuli[row].Id : "nothing")}'; rows must keep the stimulus order.");
                for (int l = 0; l < layers.Count; l++)
                {
                    getters[l](ref buffers[l]);
                    var values = Dense(buffers[l], dense, (int)layers[l].Length, source, layers[l].Label);
                    writers[l].AppendRow(values);
                }
                row++;
                progress?.Report(row);
            }
            if (row != stimuli.Count)
                throw new InvalidOperationException($"{source}: returned {row} rows for {stimuli.Count} stimuli.");
            foreach (var w in writers) w.Commit();
            log.LogDebug("{Source}: {Columns} columns × {Rows} stimuli written", source, layers.Count, row);
        }
        finally
        {
            foreach (var w in writers) w?.Dispose();
        }
    }

    private static ReadOnlySpan<float> Dense(in VBuffer<float> buffer, float[] scratch, int length, string source, string label)
    {
        if (buffer.Length != length)
            throw new InvalidOperationException($"{source}, {label}: {buffer.Length} values for a stimulus; {length} were expected.");
        if (buffer.IsDense) return buffer.GetValues();
        var span = scratch.AsSpan(0, length);
        span.Clear();
        var values = buffer.GetValues();
        var indices = buffer.GetIndices();
        for (int i = 0; i < indices.Length; i++) span[indices[i]] = values[i];
        return span;
    }
}
