namespace RepLens.Onnx.Extraction;

/// <summary>How one layer becomes one output of the extraction model.</summary>
/// <param name="OutputName">The graph output (and ML.NET column) name.</param>
/// <param name="ValueName">The ONNX value of the layer.</param>
/// <param name="ElementType">Its ONNX element type; non-float values are cast to float.</param>
/// <param name="Shape">Its full shape at batch 1.</param>
/// <param name="Pooling">Token pooling, for token layers.</param>
/// <param name="TokenAxis">The token axis of a token layer (1 for N×T×D, 0 for T×N×D), or -1.</param>
/// <param name="PrefixTokens">Number of leading non-patch tokens (the class token).</param>
internal sealed record LayerOutputPlan(string OutputName, string ValueName, int ElementType, long[] Shape, TokenPooling Pooling, int TokenAxis, int PrefixTokens)
{
    /// <summary>The output's shape after pooling.</summary>
    internal long[] OutputShape => TokenAxis < 0 || Pooling == TokenPooling.All
        ? Shape
        : new long[] { 1, Shape[2] };
}
