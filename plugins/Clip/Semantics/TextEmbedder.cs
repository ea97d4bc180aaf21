namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// Embeds texts once per distinct text: from memory (this target's lifetime), then from the on-disk
/// store when there is one, and only the rest through the encoder, in batches of texts of equal token
/// count (so that no padding enters a result, and a text's vector does not depend on the texts it was
/// batched with), at most <c>batchSize</c> texts and <see cref="TokenBudget"/> tokens per call. Thread-safe.
/// </summary>
internal sealed class TextEmbedder : IDisposable
{
    /// <summary>At most this many tokens per encoder call (texts × tokens), so that long texts do not make huge attention tensors.</summary>
    public const int TokenBudget = 8192;

    private readonly ITextEncoder _encoder;
    private readonly TextEmbeddingStore? _store;
    private readonly int _batchSize;
    private readonly Dictionary<string, float[]> _memory = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public TextEmbedder(ITextEncoder encoder, string? cacheRoot, int batchSize)
    {
        _encoder = encoder;
        _batchSize = batchSize;
        _store = cacheRoot is null ? null : new TextEmbeddingStore(cacheRoot, encoder.Fingerprint, encoder.Dimensions);
    }

    public ITextEncoder Encoder => _encoder;

    public TextEmbeddingStore? Store => _store;

    /// <summary>Texts served from memory, from disk, and computed, since this embedder was made.</summary>
    public (int Memory, int Disk, int Computed) Statistics { get; private set; }

    /// <summary>One vector per text, in order; equal texts share one computation (and one array).</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lock (_gate)
        {
            var distinct = texts.Distinct(StringComparer.Ordinal).ToList();
            var missing = distinct.Where(t => !_memory.ContainsKey(t)).ToList();
            var (memory, disk, computed) = Statistics;
            memory += distinct.Count - missing.Count;
            if (missing.Count > 0 && _store is not null)
            {
                var keys = missing.ToDictionary(t => t, TextEmbeddingStore.Key, StringComparer.Ordinal);
                var found = _store.TryGet(keys.Values.ToList());
                foreach (var t in missing.Where(t => found.ContainsKey(keys[t]))) _memory[t] = found[keys[t]];
                disk += found.Count;
                missing = missing.Where(t => !_memory.ContainsKey(t)).ToList();
            }
            if (missing.Count > 0)
            {
                var counts = _encoder.Tokenize(missing);
                var fresh = new List<(string Text, float[] Vector)>(missing.Count);
                foreach (var group in Enumerable.Range(0, missing.Count).GroupBy(i => counts[i]).OrderBy(g => g.Key))
                {
                    foreach (var chunk in group.Chunk(Math.Max(1, Math.Min(_batchSize, TokenBudget / Math.Max(1, group.Key)))))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var batch = chunk.Select(i => missing[i]).ToArray();
                        var vectors = _encoder.Encode(batch, cancellationToken);
                        for (int i = 0; i < batch.Length; i++)
                        {
                            if (vectors[i].Length != _encoder.Dimensions)
                                throw new InvalidDataException($"{_encoder.Description}: returned a {vectors[i].Length}-d vector for \"{batch[i]}\"; {_encoder.Dimensions} expected.");
                            _memory[batch[i]] = vectors[i];
                            fresh.Add((batch[i], vectors[i]));
                        }
                    }
                }
                _store?.Add(fresh.Select(f => TextEmbeddingStore.Key(f.Text)).ToList(), fresh.Select(f => f.Vector).ToList());
                computed += fresh.Count;
            }
            Statistics = (memory, disk, computed);
            return texts.Select(t => _memory[t]).ToArray();
        }
    }

    public void Dispose() => _encoder.Dispose();
}
