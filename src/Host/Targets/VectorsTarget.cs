using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Targets;

/// <summary>
/// Precomputed per-stimulus vectors — embeddings, features, maps made elsewhere — from an (M × D)
/// <c>.npy</c> matrix with the stimulus id of each row in a text file (one id per line, the layout
/// thingsvision and <c>replens semantics</c> write). Rows are matched to the run's stimuli by id; every
/// stimulus must have a row. Built into the host because it needs nothing but the two files.
/// </summary>
internal sealed class VectorsTarget(MLContext ml) : IRepresentationalTarget
{
    public const string Id = "vectors";
    public const string Column = "Vector";

    public string Description => "precomputed per-stimulus vectors: options file (M × D .npy) and ids (one stimulus id per line)";

    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = request.Options;
        o.ThrowIfUnknown("file", "ids");
        var file = o.GetPath("file") ?? throw new ConfigurationErrorException($"{o.Path}.file", "required: the (stimuli × dimensions) .npy file.");
        var ids = o.GetPath("ids") ?? throw new ConfigurationErrorException($"{o.Path}.ids", "required: a text file with the stimulus id of each row, one per line.");
        if (!File.Exists(file)) throw new ConfigurationErrorException($"{o.Path}.file", $"file '{file}' does not exist.");
        if (!File.Exists(ids)) throw new ConfigurationErrorException($"{o.Path}.ids", $"file '{ids}' does not exist.");
        return new Configured(ml, request.Name, file, ids);
    }

    private sealed class Configured(MLContext ml, string name, string file, string idsFile) : IConfiguredTarget
    {
        public string Name => name;

        public string Fingerprint => Run.ContentHash.Of("vectors-v1", Run.ContentHash.OfFile(file), Run.ContentHash.OfFile(idsFile));

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            var header = Npy.ReadHeader(file);
            if (header.Rank != 2) throw new InvalidDataException($"{file}: expected a 2-D (stimuli × dimensions) array, found {header}.");
            var ids = File.ReadAllLines(idsFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (ids.Count != header.Shape[0])
                throw new InvalidDataException($"{idsFile} lists {ids.Count} ids but {file} has {header.Shape[0]} rows; they must correspond row by row.");
            var row = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < ids.Count; i++)
                if (!row.TryAdd(ids[i], i)) throw new InvalidDataException($"{idsFile}: id '{ids[i]}' appears twice (lines {row[ids[i]] + 1} and {i + 1}).");
            var missing = stimuli.Where(s => !row.ContainsKey(s.Id)).Select(s => s.Id).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"Target '{name}': {missing.Count} stimuli have no row in {idsFile}: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}.");
            var data = Npy.ReadFloat32(file);
            int d = data.Dimension(1);
            var rows = stimuli.Select(s => new Row { Id = s.Id, Vector = data.Data.AsSpan(row[s.Id] * d, d).ToArray() }).ToList();
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Vector)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
            return TargetRepresentation.FromVectors(ml.Data.LoadFromEnumerable(rows, schema), Column, DistanceMetric.Cosine);
        }
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public float[] Vector { get; set; } = Array.Empty<float>();
    }
}
