using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Distractors;

/// <summary>
/// The caption embeddings of the targets and the pool: an (M × D) <c>.npy</c> matrix and a text file with
/// the stimulus id of each row (one per line; the layout of thingsvision and <c>replens semantics</c>).
/// Semantic distance = cosine distance 1 − a·b / (‖a‖ ‖b‖), computed in float64.
/// </summary>
internal sealed class SemanticSpace
{
    private readonly Dictionary<string, double[]> _unit;

    private SemanticSpace(Dictionary<string, double[]> unit, int dimensions)
    {
        _unit = unit;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    /// <summary>
    /// Reads and checks the embeddings: as many rows as ids, ids unique, every id a stimulus of the targets or the
    /// pool, every target and pool stimulus with a row, every row finite and non-zero.
    /// </summary>
    public static SemanticSpace Load(string embeddingsPath, string idsPath, StimulusTable targets, StimulusTable pool)
    {
        var npy = Path.GetFullPath(embeddingsPath);
        var idsFile = Path.GetFullPath(idsPath);
        if (!File.Exists(npy)) throw new FileNotFoundException($"--embeddings: file '{npy}' does not exist.", npy);
        if (!File.Exists(idsFile)) throw new FileNotFoundException($"--ids: file '{idsFile}' does not exist.", idsFile);
        var header = Npy.ReadHeader(npy);
        if (header.Rank != 2)
            throw new InvalidDataException($"{npy}: expected a 2-D (images × dimensions) array of caption embeddings, found shape ({string.Join(", ", header.Shape)}).");
        var lines = File.ReadAllLines(idsFile);
        var ids = new List<(string Id, int Line)>();
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Trim().Length > 0) ids.Add((lines[i].Trim(), i + 1));
        if (ids.Count != header.Shape[0])
            throw new InvalidDataException(
                $"{idsFile} lists {ids.Count} ids but {npy} has {header.Shape[0]} rows; the ids file must name the stimulus of each row, one per line, in row order.");

        var known = new HashSet<string>(targets.Ids, StringComparer.Ordinal);
        known.UnionWith(pool.Ids);
        var row = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<string>();
        for (int i = 0; i < ids.Count; i++)
        {
            var (id, line) = ids[i];
            if (!row.TryAdd(id, i))
                throw new InvalidDataException($"{idsFile}: id '{id}' appears twice (lines {ids[row[id]].Line} and {line}); each row must be a different stimulus.");
            if (!known.Contains(id)) unknown.Add($"'{id}' (line {line})");
        }
        if (unknown.Count > 0)
            throw new InvalidDataException(
                $"{idsFile}: {unknown.Count} id{(unknown.Count == 1 ? "" : "s")} match no stimulus of the targets ({targets.Source}) or the pool ({pool.Source}): " +
                string.Join(", ", unknown.Take(10)) + (unknown.Count > 10 ? ", …" : "") + ". The ids must be the stimulus ids of the two tables.");
        var missing = targets.Concat(pool).Select(s => s.Id).Distinct(StringComparer.Ordinal).Where(id => !row.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{idsFile}: {missing.Count} stimul{(missing.Count == 1 ? "us has" : "i have")} no embedding: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}.");

        var data = Npy.ReadFloat64(npy);
        int d = data.Dimension(1);
        if (d < 1) throw new InvalidDataException($"{npy}: the embeddings have no dimensions (shape {ids.Count} × 0).");
        var unit = new Dictionary<string, double[]>(row.Count, StringComparer.Ordinal);
        foreach (var (id, r) in row)
        {
            var v = data.Data.AsSpan(r * d, d).ToArray();
            double norm = 0;
            foreach (var x in v) norm += x * x;
            norm = Math.Sqrt(norm);
            if (!double.IsFinite(norm))
                throw new InvalidDataException($"{npy}: row {r} (stimulus '{id}') holds NaN or infinite values.");
            if (norm == 0)
                throw new InvalidDataException($"{npy}: row {r} (stimulus '{id}') is all zeros; a cosine distance to it is undefined.");
            for (int k = 0; k < d; k++) v[k] /= norm;
            unit[id] = v;
        }
        return new SemanticSpace(unit, d);
    }

    /// <summary>Creates a space from vectors held in memory (tests).</summary>
    public static SemanticSpace FromVectors(IReadOnlyDictionary<string, double[]> vectors)
    {
        var unit = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int d = 0;
        foreach (var (id, v) in vectors)
        {
            double norm = Math.Sqrt(v.Sum(x => x * x));
            unit[id] = v.Select(x => x / norm).ToArray();
            d = v.Length;
        }
        return new SemanticSpace(unit, d);
    }

    /// <summary>Cosine distance between the embeddings of two stimuli.</summary>
    public double Distance(string a, string b)
    {
        var u = _unit[a];
        var v = _unit[b];
        double dot = 0;
        for (int k = 0; k < u.Length; k++) dot += u[k] * v[k];
        return 1 - dot;
    }
}
