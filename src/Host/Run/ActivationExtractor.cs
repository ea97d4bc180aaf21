using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Run;

/// <summary>
/// Runs a model's extraction pipeline over the stimuli once and streams every requested layer to its
/// own <c>.npy</c> file (N × P float32, rows in stimulus order), so that no layer is ever held whole in
/// memory. The files appear only when all rows are written.
/// </summary>
internal static class ActivationExtractor
{
    public static void Extract(
        ILoadedModel model,
        IReadOnlyList<LayerDescription> layers,
        StimulusTable stimuli,
        IDataView stimulusView,
        IReadOnlyList<string> outputPaths,
        ExtractionOptions options,
        IProgress<int>? progress,
        ILogger log,
        CancellationToken ct)
    {
        if (layers.Count == 0) return;
        var view = model.Extract(stimulusView, layers, options);
        var schema = view.Schema;
        var idColumn = schema.GetColumnOrNull(StimulusColumns.Id)
            ?? throw new InvalidOperationException($"Model '{model.Name}': the extraction output has no '{StimulusColumns.Id}' column.");
        var columns = new DataViewSchema.Column[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var c = schema.GetColumnOrNull(layers[l].SafeName)
                ?? throw new InvalidOperationException($"Model '{model.Name}': the extraction output has no column for layer '{layers[l].Name}' (expected '{layers[l].SafeName}').");
            if (c.Type is not VectorDataViewType { ItemType: NumberDataViewType nt } vt || nt.RawType != typeof(float))
                throw new InvalidOperationException($"Model '{model.Name}', layer '{layers[l].Name}': expected a float vector column, found {c.Type}.");
            if (vt.Size != 0 && vt.Size != layers[l].FeatureCount)
                throw new InvalidOperationException($"Model '{model.Name}', layer '{layers[l].Name}': expected {layers[l].FeatureCount} values per stimulus, the column has {vt.Size}.");
            columns[l] = c;
        }

        var writers = new NpyRowWriter[layers.Count];
        try
        {
            for (int l = 0; l < layers.Count; l++)
                writers[l] = new NpyRowWriter(outputPaths[l], stimuli.Count, checked((int)layers[l].FeatureCount));
            using var cursor = view.GetRowCursor(columns.Append(idColumn));
            var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(idColumn);
            var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
            var buffers = new VBuffer<float>[layers.Count];
            var dense = new float[layers.Max(l => (int)l.FeatureCount)];
            ReadOnlyMemory<char> id = default;
            int row = 0;
            while (cursor.MoveNext())
            {
                ct.ThrowIfCancellationRequested();
                idGetter(ref id);
                if (row >= stimuli.Count || !id.Span.SequenceEqual(stimuli[row].Id))
                    throw new InvalidOperationException(
                        $"Model '{model.Name}': extraction returned stimulus '{id}' at row {row}, expected '{(row < stimuli.Count ? stimuli[row].Id : "nothing")}'; extractors must keep the stimulus order.");
                for (int l = 0; l < layers.Count; l++)
                {
                    getters[l](ref buffers[l]);
                    var values = Dense(buffers[l], dense, (int)layers[l].FeatureCount);
                    writers[l].AppendRow(values);
                }
                row++;
                progress?.Report(row);
            }
            if (row != stimuli.Count)
                throw new InvalidOperationException($"Model '{model.Name}': extraction returned {row} rows for {stimuli.Count} stimuli.");
            foreach (var w in writers) w.Commit();
            log.LogDebug("Model {Model}: {Layers} layers × {Rows} stimuli written", model.Name, layers.Count, row);
        }
        finally
        {
            foreach (var w in writers) w?.Dispose();
        }
    }

    private static ReadOnlySpan<float> Dense(in VBuffer<float> buffer, float[] scratch, int length)
    {
        if (buffer.Length != length)
            throw new InvalidOperationException($"A layer produced {buffer.Length} values per stimulus; {length} were expected.");
        if (buffer.IsDense) return buffer.GetValues();
        var span = scratch.AsSpan(0, length);
        span.Clear();
        var values = buffer.GetValues();
        var indices = buffer.GetIndices();
        for (int i = 0; i < indices.Length; i++) span[indices[i]] = values[i];
        return span;
    }
}
