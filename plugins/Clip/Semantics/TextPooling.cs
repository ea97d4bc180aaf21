namespace RepLens.Plugins.Clip.Semantics;

/// <summary>How a sentence-embedding model's token features become one vector.</summary>
internal enum TextPooling
{
    /// <summary>Mean over the tokens of the text (attention mask 1), special tokens included, as sentence-transformers does.</summary>
    Mean,

    /// <summary>The feature of the first token ([CLS]).</summary>
    Cls,
}
