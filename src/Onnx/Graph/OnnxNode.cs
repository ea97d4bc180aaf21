namespace RepLens.Onnx.Graph;

/// <summary>One node of an ONNX graph, as layer-naming strategies see it.</summary>
/// <param name="Index">Position in the graph's (topological) node order.</param>
/// <param name="Name">The node name, e.g. <c>/layer1/layer1.0/relu/Relu</c> for PyTorch exports; may be empty.</param>
/// <param name="OpType">The operator, e.g. <c>Conv</c>.</param>
/// <param name="Domain">The operator domain; empty for standard ONNX operators.</param>
/// <param name="Inputs">Names of the values the node reads (empty strings for omitted optional inputs).</param>
/// <param name="Outputs">Names of the values the node writes.</param>
public sealed record OnnxNode(int Index, string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
