using RepLens.Onnx.Graph;

namespace RepLens.Onnx.Layers;

/// <summary>
/// Layer names for exports without module scopes: every node that computes image-dependent data
/// (pure reshapes, transposes and casts left out) is a layer named after the node (or, for unnamed
/// nodes, its output value).
/// </summary>
public sealed class NodeNameNaming : ILayerNamingStrategy
{
    /// <summary>The shared instance.</summary>
    public static NodeNameNaming Instance { get; } = new();

    /// <inheritdoc />
    public string Id => "node-name";

    /// <inheritdoc />
    public IReadOnlyList<LayerCandidate> FindLayers(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var layers = new List<LayerCandidate>();
        foreach (var node in graph.Nodes)
        {
            if (OpKinds.LayoutOps.Contains(node.OpType)) continue;
            int k = 0;
            foreach (var value in node.Outputs)
            {
                if (value.Length == 0 || !graph.IsData(value)) continue;
                var baseName = node.Name.Length > 0 ? node.Name : value;
                var name = k == 0 ? baseName : baseName + ".output" + k;
                var kind = graph.IsGraphOutput(value) ? Abstractions.LayerKind.Output
                    : node.OpType is "Add" or "Sum" && node.Inputs.Count(i => i.Length > 0 && graph.IsData(i)) >= 2 ? Abstractions.LayerKind.Residual
                    : OpKinds.KindOf(node.OpType);
                layers.Add(new LayerCandidate(name, value, node.OpType, kind));
                k++;
            }
        }
        return LayerNames.MakeUnique(layers);
    }
}
