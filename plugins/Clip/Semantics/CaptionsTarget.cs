using RepLens.Abstractions;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// The <c>captions</c> target — caption semantics: each stimulus's vector is the mean of the sentence
/// embeddings of its captions (the seed study's choice; option <c>normalizeCaptions</c> L2-normalises each
/// caption's embedding first), cosine distance by default. Captions come from the stimulus table or from
/// COCO caption files (<c>coco</c>, matched by file name or id: <c>matchBy</c>). The encoder is the built-in
/// all-MiniLM-L6-v2 unless option <c>encoder</c> names <c>clip</c> (a CLIP text tower as ONNX, with CLIP's
/// tokenizer files) or <c>onnx</c> (a BERT-style sentence encoder as ONNX, with its vocab.txt), or gives
/// the .onnx path itself. Embeddings are computed once per distinct caption text and cached by content in
/// memory and in the folder the host gives (option <c>cache</c>). Precomputed per-stimulus vectors need no
/// plugin: the host's <c>vectors</c> target reads them.
/// </summary>
public sealed class CaptionsTarget : IRepresentationalTarget
{
    /// <summary>The target kind used in configs.</summary>
    public const string Id = "captions";

    /// <summary>Says that the default encoder is not the seed paper's; in the description, logs and reports.</summary>
    public const string NotTheSeedEncoder =
        "Not the seed paper's encoder (Universal Sentence Encoder v4): absolute RSA values are not comparable with the paper's.";

    /// <inheritdoc />
    public string Description =>
        "Caption semantics: per stimulus, the mean sentence embedding of its captions (stimulus table or COCO caption file); " +
        "encoder all-MiniLM-L6-v2 (built in, 384-d) by default, or a CLIP text tower or BERT-style sentence encoder as ONNX; cosine distance. " +
        NotTheSeedEncoder;

    /// <inheritdoc />
    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = CaptionsSettings.Read(request.Options, request.CacheDirectory);
        CaptionSource source;
        try
        {
            source = settings.CocoFiles.Count == 0 ? CaptionSource.Table : CaptionSource.FromCoco(settings.CocoFiles, settings.MatchBy);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationErrorException($"{request.Options.Path}.coco", e.Message);
        }
        var encoder = TextEncoderFactory.Create(settings.Encoder);
        return new CaptionsEmbeddingTarget(request.Name, settings, source, new TextEmbedder(encoder, settings.CacheRoot, settings.BatchSize));
    }
}
