using RepLens.Abstractions;

namespace RepLens.Onnx.Layers;

/// <summary>
/// A value of an ONNX graph that a naming strategy offers as a layer, before its shape is known.
/// </summary>
/// <param name="Name">Readable name, e.g. the PyTorch module path <c>layer1.0.relu</c>.</param>
/// <param name="ValueName">The ONNX value holding the layer's output, e.g. <c>/layer1/layer1.0/relu/Relu_output_0</c>.</param>
/// <param name="OpType">The operation producing it; composite modules get one name (<c>Gelu</c>, <c>Attention</c>, <c>MatMul</c> for a linear layer).</param>
/// <param name="Kind">What the layer does.</param>
public sealed record LayerCandidate(string Name, string ValueName, string OpType, LayerKind Kind);
