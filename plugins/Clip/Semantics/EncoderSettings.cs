namespace RepLens.Plugins.Clip.Semantics;

/// <summary>The encoder part of a captions target's options, paths resolved.</summary>
/// <param name="Kind">Which encoder; <c>null</c> with a <paramref name="Model"/> means: decide from the model's inputs.</param>
/// <param name="Model">The ONNX file (CLIP text tower or sentence encoder), or <c>null</c> for <c>minilm</c>.</param>
/// <param name="Vocab">CLIP: vocab.json; sentence encoder: vocab.txt; <c>null</c>: look beside the model.</param>
/// <param name="Merges">CLIP: merges.txt.</param>
/// <param name="Bpe">CLIP: OpenAI's bpe_simple_vocab_16e6.txt.gz (instead of vocab + merges).</param>
/// <param name="Pooling">Sentence encoder: token pooling.</param>
/// <param name="Normalize">Sentence encoder: L2-normalise each text's vector.</param>
/// <param name="LowerCase">Sentence encoder: lower-case before WordPiece (uncased models).</param>
/// <param name="MaxTokens">Sentence encoder: longest token sequence, [CLS] and [SEP] included.</param>
/// <param name="OptionsPath">JSON path of the options object, for messages.</param>
/// <param name="ModelOption">The option that named the model file (<c>model</c>, or <c>encoder</c> when it gave a path), for messages.</param>
internal sealed record EncoderSettings(
    TextEncoderKind? Kind,
    string? Model,
    string? Vocab,
    string? Merges,
    string? Bpe,
    TextPooling Pooling,
    bool Normalize,
    bool LowerCase,
    int MaxTokens,
    string OptionsPath,
    string ModelOption = "model");
