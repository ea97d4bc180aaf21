namespace RepLens.Onnx;

/// <summary>
/// What a transformer's token layer (per stimulus T tokens × D features) contributes as features.
/// Config names: <c>all</c>, <c>cls</c>, <c>mean</c>.
/// </summary>
public enum TokenPooling
{
    /// <summary>All tokens, flattened token by token (T·D features) — what the seed paper used.</summary>
    All,

    /// <summary>The class token only (the first token; D features).</summary>
    Cls,

    /// <summary>The mean over the patch tokens, the class (and other prefix) tokens left out (D features).</summary>
    Mean,
}
