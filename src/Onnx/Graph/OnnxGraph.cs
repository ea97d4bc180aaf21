using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>
/// A read-only view of an ONNX graph for layer-naming strategies: nodes in topological order, which
/// values carry image-dependent data, who produces and consumes each value, and the model's metadata.
/// </summary>
public sealed class OnnxGraph
{
    private static readonly HashSet<string> ShapeOnlyOps = new(StringComparer.Ordinal) { "Shape", "Size", "ConstantOfShape", "EyeLike" };

    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dataValues = new(StringComparer.Ordinal);

    internal OnnxGraph(ModelProto model, string imageInputName)
    {
        var g = model.Graph;
        var nodes = new List<OnnxNode>(g.Node.Count);
        for (int i = 0; i < g.Node.Count; i++)
        {
            var n = g.Node[i];
            nodes.Add(new OnnxNode(i, n.Name, n.OpType, n.Domain, n.Input.ToArray(), n.Output.ToArray()));
        }
        Nodes = nodes;
        ImageInput = imageInputName;
        Initializers = g.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        GraphOutputs = g.Output.Select(o => o.Name).ToArray();
        Metadata = model.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(p => p.Key, p => p.Last().Value, StringComparer.Ordinal);
        ProducerName = model.ProducerName;
        OpsetVersion = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

        foreach (var node in nodes)
        {
            foreach (var o in node.Outputs) if (o.Length > 0) _producers[o] = node;
            foreach (var i in node.Inputs)
            {
                if (i.Length == 0) continue;
                if (!_consumers.TryGetValue(i, out var list)) _consumers[i] = list = new List<OnnxNode>();
                list.Add(node);
            }
        }

        // Values that depend on the image's pixel values. Shape-like ops read only a tensor's shape, so
        // their outputs (and whatever is computed from them alone) are not data.
        _dataValues.Add(imageInputName);
        foreach (var node in nodes)
        {
            if (ShapeOnlyOps.Contains(node.OpType)) continue;
            if (node.Inputs.Any(i => i.Length > 0 && _dataValues.Contains(i)))
                foreach (var o in node.Outputs) if (o.Length > 0) _dataValues.Add(o);
        }
    }

    /// <summary>Nodes in topological order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Name of the image input.</summary>
    public string ImageInput { get; }

    /// <summary>Names of the initializers (weights).</summary>
    public IReadOnlySet<string> Initializers { get; }

    /// <summary>Names of the graph outputs.</summary>
    public IReadOnlyList<string> GraphOutputs { get; }

    /// <summary>The model's metadata properties (<c>metadata_props</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The exporter that wrote the model (e.g. <c>pytorch</c>, <c>CNTK</c>).</summary>
    public string ProducerName { get; }

    /// <summary>Version of the standard ONNX operator set the model uses.</summary>
    public long OpsetVersion { get; }

    /// <summary>The node that writes <paramref name="value"/>, or <c>null</c> for inputs and initializers.</summary>
    /// <param name="value">A value name.</param>
    public OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>The nodes that read <paramref name="value"/>.</summary>
    /// <param name="value">A value name.</param>
    public IReadOnlyList<OnnxNode> Consumers(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : Array.Empty<OnnxNode>();

    /// <summary>Whether <paramref name="value"/> depends on the image's pixel values (not only on its shape or on weights).</summary>
    /// <param name="value">A value name.</param>
    public bool IsData(string value) => _dataValues.Contains(value);

    /// <summary>Whether <paramref name="value"/> is a graph output.</summary>
    /// <param name="value">A value name.</param>
    public bool IsGraphOutput(string value) => GraphOutputs.Contains(value, StringComparer.Ordinal);
}
