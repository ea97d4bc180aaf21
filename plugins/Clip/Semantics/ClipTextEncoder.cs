using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// A CLIP text tower exported to ONNX (<c>tools/export_onnx.py --tower text</c>: one integer input of token
/// ids [N, 77], one output [N, D], CLIP's <c>encode_text</c>: the transformer feature at the end token,
/// projected) with CLIP's tokenizer. Sequences are zero-padded to the context length, as CLIP pads them.
/// Float16 exports run; their output is converted to float32.
/// </summary>
internal sealed class ClipTextEncoder : ITextEncoder
{
    private readonly InferenceSession _session;
    private readonly ClipTokenizer _tokenizer;
    private readonly string _input;
    private readonly NodeMetadata _inputMeta;
    private readonly string _output;
    private readonly bool _half;
    private readonly int _context;
    private readonly string _path;

    /// <summary>Takes ownership of <paramref name="session"/> (disposed here on failure).</summary>
    public ClipTextEncoder(string modelPath, InferenceSession session, ClipTokenizer tokenizer, IEnumerable<string> tokenizerFiles)
    {
        _path = modelPath;
        _tokenizer = tokenizer;
        _session = session;
        try
        {
            var inputs = _session.InputMetadata;
            if (inputs.Count != 1 || !OnnxText.IsInteger(inputs.First().Value) || inputs.First().Value.Dimensions.Length != 2)
                throw new InvalidDataException(
                    $"{modelPath}: not a CLIP text tower: expected one integer input of token ids [N, 77] (as tools/export_onnx.py --tower text writes); found {OnnxText.Describe(_session)}.");
            (_input, _inputMeta) = (inputs.First().Key, inputs.First().Value);
            int ctx = _inputMeta.Dimensions[1];
            _context = ctx > 0 ? ctx : ClipTokenizer.ContextLength;
            var outputs = _session.OutputMetadata;
            var output = outputs.ContainsKey("embedding") ? "embedding" : outputs.Count == 1 ? outputs.First().Key
                : throw new InvalidDataException($"{modelPath}: several outputs and none named 'embedding'; found {OnnxText.Describe(_session)}.");
            var meta = outputs[output];
            if (meta.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16) || meta.Dimensions.Length != 2)
                throw new InvalidDataException($"{modelPath}: output '{output}' must be a float [N, D] embedding; found {OnnxText.Describe(_session)}.");
            _output = output;
            _half = meta.ElementDataType == TensorElementType.Float16;
            Dimensions = meta.Dimensions[1] > 0 ? meta.Dimensions[1] : Encode([ClipTokenizer.StartToken], CancellationToken.None)[0].Length;
            Fingerprint = SemanticsHash.Of([
                "clip-text-1", SemanticsHash.OfFile(modelPath), _context.ToString(System.Globalization.CultureInfo.InvariantCulture),
                OnnxText.RuntimeVersion, .. tokenizerFiles.Select(SemanticsHash.OfFile)]);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string Description => $"CLIP text tower '{Path.GetFileName(_path)}' (ONNX), {Dimensions}-d, CLIP BPE tokenizer ({_tokenizer.Source})";

    public string Fingerprint { get; }

    public int Dimensions { get; }

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];
        cancellationToken.ThrowIfCancellationRequested();
        var ids = new long[texts.Count * _context];
        for (int i = 0; i < texts.Count; i++)
        {
            var t = _tokenizer.Encode(texts[i], _context);
            for (int k = 0; k < t.Length; k++) ids[i * _context + k] = t[k];
        }
        using var input = OnnxText.Ids(_inputMeta, ids, [texts.Count, _context]);
        using var run = new RunOptions();
        using var results = RunSession(run, input);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != texts.Count)
            throw new InvalidDataException($"{_path}: output '{_output}' has shape [{string.Join(", ", shape)}] for {texts.Count} texts; expected [{texts.Count}, D].");
        int d = (int)shape[1];
        var vectors = new float[texts.Count][];
        if (_half)
        {
            var data = results[0].GetTensorDataAsSpan<Float16>();
            for (int i = 0; i < texts.Count; i++)
            {
                vectors[i] = new float[d];
                for (int k = 0; k < d; k++) vectors[i][k] = data[i * d + k].ToFloat();
            }
        }
        else
        {
            var data = results[0].GetTensorDataAsSpan<float>();
            for (int i = 0; i < texts.Count; i++) vectors[i] = data.Slice(i * d, d).ToArray();
        }
        return vectors;
    }

    private IDisposableReadOnlyCollection<OrtValue> RunSession(RunOptions run, OrtValue input)
    {
        try
        {
            return _session.Run(run, [_input], [input], [_output]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException(
                $"{_path}: ONNX Runtime failed on token ids of a {_tokenizer.VocabularySize}-token vocabulary ({_tokenizer.Source}); are these the model's tokenizer files? {e.Message}", e);
        }
    }

    public int[] Tokenize(IReadOnlyList<string> texts) => texts.Select(t => _tokenizer.Encode(t, _context).Length).ToArray();

    public void Dispose() => _session.Dispose();
}
