namespace RepLens.Plugins.Clip.Semantics;

/// <summary>Which sentence encoder a captions target uses (option <c>encoder</c>).</summary>
internal enum TextEncoderKind
{
    /// <summary>The built-in all-MiniLM-L6-v2 (the default).</summary>
    Minilm,

    /// <summary>A CLIP text tower exported to ONNX, with CLIP's BPE tokenizer files.</summary>
    Clip,

    /// <summary>A BERT-style sentence-embedding model exported to ONNX, with its WordPiece vocab.txt.</summary>
    Onnx,
}
