using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// Any BERT-style sentence-embedding model exported to ONNX (a sentence-transformers or Hugging Face
/// export: inputs <c>input_ids</c>, optionally <c>attention_mask</c> and <c>token_type_ids</c>; output token
/// features [N, T, H], or a pooled <c>sentence_embedding</c> [N, H]) with its WordPiece <c>vocab.txt</c>
/// (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: [CLS] text [SEP], truncated to
/// <c>maxTokens</c>). Token features are pooled (mean over the attention mask, or [CLS]) and optionally
/// L2-normalised. Texts are batched only with texts of the same token count, so no padding ever
/// enters a text's result.
/// </summary>
internal sealed class OnnxSentenceEncoder : ITextEncoder
{
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string _path;
    private readonly string _ids;
    private readonly string? _mask;
    private readonly string? _types;
    private readonly string _output;
    private readonly bool _pooled;
    private readonly TextPooling _pooling;
    private readonly bool _normalize;
    private readonly int _maxTokens;

    /// <summary>Takes ownership of <paramref name="session"/> (disposed here on failure).</summary>
    public OnnxSentenceEncoder(string modelPath, InferenceSession session, string vocabPath, TextPooling pooling, bool normalize, bool lowerCase, int maxTokens)
    {
        _session = session;
        _path = modelPath;
        _pooling = pooling;
        _normalize = normalize;
        _maxTokens = maxTokens;
        try
        {
            _tokenizer = BertTokenizer.Create(vocabPath, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            session.Dispose();
            throw new InvalidDataException($"{vocabPath}: not a WordPiece vocabulary (vocab.txt, one token per line with [CLS], [SEP], [PAD], [UNK]): {e.Message}", e);
        }
        try
        {
            var inputs = _session.InputMetadata;
            string? Find(string name) => inputs.ContainsKey(name) ? name : null;
            _ids = Find("input_ids") ?? throw new InvalidDataException(
                $"{modelPath}: not a BERT-style sentence encoder: no 'input_ids' input; found {OnnxText.Describe(_session)}.");
            _mask = Find("attention_mask");
            _types = Find("token_type_ids");
            var other = inputs.Keys.Except([_ids, _mask, _types]).ToList();
            if (other.Count > 0 || inputs.Values.Any(m => !OnnxText.IsInteger(m)))
                throw new InvalidDataException($"{modelPath}: expected integer inputs input_ids, attention_mask, token_type_ids only; found {OnnxText.Describe(_session)}.");
            var outputs = _session.OutputMetadata;
            var pooled = outputs.FirstOrDefault(kv => kv.Key == "sentence_embedding" && kv.Value.Dimensions.Length == 2);
            var tokens = outputs.FirstOrDefault(kv => kv.Value.Dimensions.Length == 3 && kv.Value.ElementDataType == TensorElementType.Float);
            _pooled = pooled.Key is not null;
            _output = pooled.Key ?? tokens.Key ?? throw new InvalidDataException(
                $"{modelPath}: no float token-feature output [N, T, H] and no 'sentence_embedding' [N, H]; found {OnnxText.Describe(_session)}.");
            int h = outputs[_output].Dimensions[^1];
            Dimensions = h > 0 ? h : Encode(["a"], CancellationToken.None)[0].Length;
            Fingerprint = SemanticsHash.Of("onnx-sentence-1", SemanticsHash.OfFile(modelPath), SemanticsHash.OfFile(vocabPath),
                pooling.ToString(), normalize.ToString(), lowerCase.ToString(), maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
                OnnxText.RuntimeVersion);
            Description = $"sentence encoder '{Path.GetFileName(modelPath)}' (ONNX), {Dimensions}-d, WordPiece tokenizer ({Path.GetFileName(vocabPath)}), " +
                          (_pooled ? "its own pooling" : _pooling == TextPooling.Mean ? "mean pooling" : "[CLS] pooling") + (normalize ? ", L2-normalised" : "");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string Description { get; }

    public string Fingerprint { get; }

    public int Dimensions { get; }

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var tokenized = texts.Select(TokenIds).ToArray();
        foreach (var group in Enumerable.Range(0, texts.Count).GroupBy(i => tokenized[i].Length))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = group.ToArray();
            var vectors = Run(rows.Select(i => tokenized[i]).ToArray(), group.Key);
            for (int r = 0; r < rows.Length; r++) result[rows[r]] = vectors[r];
        }
        return result;
    }

    public int[] Tokenize(IReadOnlyList<string> texts) => texts.Select(t => TokenIds(t).Length).ToArray();

    private long[] TokenIds(string text)
    {
        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        int n = Math.Min(ids.Count, _maxTokens - 2);
        var result = new long[n + 2];
        result[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < n; i++) result[i + 1] = ids[i];
        result[n + 1] = _tokenizer.SeparatorTokenId;
        return result;
    }

    private float[][] Run(long[][] batch, int length)
    {
        int b = batch.Length;
        long[] shape = [b, length];
        var ids = new long[b * length];
        for (int i = 0; i < b; i++) batch[i].CopyTo(ids, i * length);
        var meta = _session.InputMetadata;
        var names = new List<string> { _ids };
        var values = new List<OrtValue> { OnnxText.Ids(meta[_ids], ids, shape) };
        try
        {
            if (_mask is not null)
            {
                names.Add(_mask);
                values.Add(OnnxText.Ids(meta[_mask], Enumerable.Repeat(1L, b * length).ToArray(), shape));
            }
            if (_types is not null)
            {
                names.Add(_types);
                values.Add(OnnxText.Ids(meta[_types], new long[b * length], shape));
            }
            using var run = new RunOptions();
            using var results = _session.Run(run, names, values, [_output]);
            var outShape = results[0].GetTensorTypeAndShape().Shape;
            var data = results[0].GetTensorDataAsSpan<float>();
            var vectors = new float[b][];
            if (_pooled)
            {
                int d = (int)outShape[1];
                for (int i = 0; i < b; i++) vectors[i] = Finish(data.Slice(i * d, d).ToArray());
                return vectors;
            }
            if (outShape.Length != 3 || outShape[0] != b || outShape[1] != length)
                throw new InvalidDataException($"{_path}: output '{_output}' has shape [{string.Join(", ", outShape)}] for {b} texts of {length} tokens.");
            int h = (int)outShape[2];
            for (int i = 0; i < b; i++)
            {
                var v = new double[h];
                if (_pooling == TextPooling.Cls)
                {
                    for (int k = 0; k < h; k++) v[k] = data[i * length * h + k];
                }
                else
                {
                    for (int t = 0; t < length; t++)
                    {
                        var row = data.Slice((i * length + t) * h, h);
                        for (int k = 0; k < h; k++) v[k] += row[k];
                    }
                    for (int k = 0; k < h; k++) v[k] /= length;
                }
                vectors[i] = Finish(Array.ConvertAll(v, x => (float)x));
            }
            return vectors;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private float[] Finish(float[] v)
    {
        if (!_normalize) return v;
        double norm = 0;
        foreach (var x in v) norm += (double)x * x;
        norm = Math.Sqrt(norm);
        if (norm == 0) return v;
        for (int k = 0; k < v.Length; k++) v[k] = (float)(v[k] / norm);
        return v;
    }

    public void Dispose() => _session.Dispose();
}
