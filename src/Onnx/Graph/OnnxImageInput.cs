namespace RepLens.Onnx.Graph;

/// <summary>The image input of a model: an N×3×H×W tensor.</summary>
/// <param name="Name">The ONNX input name.</param>
/// <param name="ElementType">The element type (<c>float</c>, <c>float16</c> or <c>double</c>).</param>
/// <param name="Height">The fixed input height, or <c>null</c> when the model accepts any height.</param>
/// <param name="Width">The fixed input width, or <c>null</c> when the model accepts any width.</param>
public sealed record OnnxImageInput(string Name, string ElementType, int? Height, int? Width);
