using System.Globalization;
using RepLens.Abstractions;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>A configured <c>captions</c> target: caption embeddings averaged per stimulus, and arbitrary texts embedded on request.</summary>
internal sealed class CaptionsEmbeddingTarget(string name, CaptionsSettings settings, CaptionSource source, TextEmbedder embedder)
    : ITextEmbeddingTarget, IDisposable
{
    public string Name => name;

    public string Fingerprint { get; } = SemanticsHash.Of("captions-1", embedder.Encoder.Fingerprint,
        settings.NormalizeCaptions ? "normalized" : "plain", source.Fingerprint, EnumNames.Name(settings.OnMissingCaptions));

    public int Dimensions => embedder.Encoder.Dimensions;

    public string EncoderDescription =>
        $"{embedder.Encoder.Description}; stimulus vector = mean of its caption embeddings{(settings.NormalizeCaptions ? " (each L2-normalised first)" : "")}, " +
        $"{source.Description}. {CaptionsTarget.NotTheSeedEncoder}";

    internal TextEmbedder Embedder => embedder;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
                throw new ArgumentException($"Target '{name}': text {i + 1} of {texts.Count} is empty; every text needs words to embed.", nameof(texts));
        }
        return embedder.Embed(texts, cancellationToken).Select(v => (float[])v.Clone()).ToArray();
    }

    public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        var captions = source.CaptionsFor(stimuli, name);
        var problems = new List<string>();
        var missing = new List<string>();
        for (int i = 0; i < stimuli.Count; i++)
        {
            if (captions[i].Count == 0) missing.Add(stimuli[i].Id);
            for (int c = 0; c < captions[i].Count; c++)
            {
                var text = captions[i][c];
                if (string.IsNullOrWhiteSpace(text)) problems.Add($"stimulus '{stimuli[i].Id}': caption {c + 1} is empty");
                else if (text.Contains('\uFFFD', StringComparison.Ordinal))
                    problems.Add($"stimulus '{stimuli[i].Id}': caption {c + 1} contains U+FFFD (a replacement character: was the text decoded from a non-UTF-8 file?)");
            }
        }
        if (problems.Count > 0)
            throw new InvalidDataException($"Target '{name}' ({source.Description}): {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}.");
        if (missing.Count > 0 && settings.OnMissingCaptions == MissingCaptionPolicy.Stop)
            throw new InvalidDataException(
                $"Target '{name}' ({source.Description}): {missing.Count} of {stimuli.Count} stimuli have no caption: " +
                $"{string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}. " +
                (source.IsTable ? "Give them captions (column 'captions', separated by '|') " : "Give them captions ") +
                "or set option onMissingCaptions to \"skip\" (their dissimilarities are then left out).");

        var all = captions.SelectMany(c => c).ToList();
        var vectors = embedder.Embed(all, cancellationToken);
        int d = Dimensions;
        var result = new float[stimuli.Count][];
        int k = 0;
        for (int i = 0; i < stimuli.Count; i++)
        {
            int n = captions[i].Count;
            result[i] = n == 0 ? Enumerable.Repeat(float.NaN, d).ToArray() : Mean(vectors, k, n, d, settings.NormalizeCaptions, stimuli[i].Id);
            k += n;
        }
        return TargetRepresentation.FromVectors(stimuli, result, DistanceMetric.Cosine);
    }

    /// <summary>The mean of rows [start, start + count), accumulated in double in caption order, then rounded to float.</summary>
    internal static float[] Mean(float[][] vectors, int start, int count, int d, bool normalize, string id)
    {
        var sum = new double[d];
        for (int c = start; c < start + count; c++)
        {
            var v = vectors[c];
            double scale = 1;
            if (normalize)
            {
                double norm = 0;
                foreach (var x in v) norm += (double)x * x;
                if (norm == 0 || !double.IsFinite(norm))
                    throw new InvalidDataException($"stimulus '{id}': caption {c - start + 1} has an embedding of norm {Math.Sqrt(norm).ToString(CultureInfo.InvariantCulture)}, which cannot be normalised.");
                scale = 1 / Math.Sqrt(norm);
            }
            for (int j = 0; j < d; j++) sum[j] += v[j] * scale;
        }
        var mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float)(sum[j] / count);
        return mean;
    }

    public void Dispose() => embedder.Dispose();
}
