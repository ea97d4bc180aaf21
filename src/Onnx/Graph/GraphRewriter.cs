using Google.Protobuf;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>Graph surgery on ONNX graphs held in memory; never modifies the loaded model's nodes or tensors.</summary>
internal static class GraphRewriter
{
    /// <summary>
    /// A new graph with only the nodes and initializers needed to compute <paramref name="outputs"/>
    /// (shared with <paramref name="graph"/>, not copied), the original inputs, and no outputs or value_info.
    /// </summary>
    internal static GraphProto Prune(GraphProto graph, IEnumerable<string> outputs)
    {
        var needed = new HashSet<string>(outputs, StringComparer.Ordinal);
        var keep = new bool[graph.Node.Count];
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(needed.Contains)) continue;
            keep[i] = true;
            foreach (var input in node.Input) if (input.Length > 0) needed.Add(input);
            foreach (var input in SubgraphInputs(node)) needed.Add(input);
        }

        var pruned = new GraphProto { Name = graph.Name, DocString = graph.DocString };
        for (int i = 0; i < graph.Node.Count; i++) if (keep[i]) pruned.Node.Add(graph.Node[i]);
        foreach (var t in graph.Initializer) if (needed.Contains(t.Name)) pruned.Initializer.Add(t);
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var i in graph.Input) if (!initializers.Contains(i.Name)) pruned.Input.Add(i);
        return pruned;
    }

    /// <summary>Values read implicitly by a node's subgraphs (If/Loop/Scan bodies read outer values by name).</summary>
    private static IEnumerable<string> SubgraphInputs(NodeProto node)
    {
        foreach (var attr in node.Attribute)
        {
            var graphs = new List<GraphProto>();
            if (attr.G is not null) graphs.Add(attr.G);
            graphs.AddRange(attr.Graphs);
            foreach (var g in graphs)
                foreach (var n in g.Node)
                {
                    foreach (var i in n.Input) if (i.Length > 0) yield return i;
                    foreach (var i in SubgraphInputs(n)) yield return i;
                }
        }
    }

    /// <summary>Every value name used in <paramref name="graph"/> (inputs, initializers, node outputs).</summary>
    internal static HashSet<string> ValueNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in graph.Input) names.Add(i.Name);
        foreach (var t in graph.Initializer) names.Add(t.Name);
        foreach (var n in graph.Node) foreach (var o in n.Output) names.Add(o);
        return names;
    }

    /// <summary>
    /// Renames value <paramref name="from"/> to <paramref name="to"/> in <paramref name="graph"/>; the
    /// nodes and initializers touched are replaced by copies, so shared ones are left alone.
    /// </summary>
    internal static void Rename(GraphProto graph, string from, string to)
    {
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (!node.Input.Contains(from) && !node.Output.Contains(from)) continue;
            var copy = node.Clone();
            for (int k = 0; k < copy.Input.Count; k++) if (copy.Input[k] == from) copy.Input[k] = to;
            for (int k = 0; k < copy.Output.Count; k++) if (copy.Output[k] == from) copy.Output[k] = to;
            graph.Node[i] = copy;
        }
        for (int i = 0; i < graph.Initializer.Count; i++)
        {
            if (graph.Initializer[i].Name != from) continue;
            var copy = graph.Initializer[i].Clone();
            copy.Name = to;
            graph.Initializer[i] = copy;
        }
        for (int i = 0; i < graph.Input.Count; i++)
        {
            if (graph.Input[i].Name != from) continue;
            var copy = graph.Input[i].Clone();
            copy.Name = to;
            graph.Input[i] = copy;
        }
    }

    internal static NodeProto Node(string op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    internal static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A <c>Constant</c> node (works at every opset and IR version, unlike extra initializers), named <c>replens/</c> + output.</summary>
    internal static NodeProto FloatConstant(string output, long[] dims, float[] values)
    {
        var tensor = new TensorProto { DataType = TensorTypes.Float, Name = output };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return Node("Constant", "replens/" + output, Array.Empty<string>(), new[] { output },
            new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
    }

    /// <summary>A <c>Constant</c> node holding int64 values, named <c>replens/</c> + output.</summary>
    internal static NodeProto Int64Constant(string output, long[] dims, long[] values)
    {
        var tensor = new TensorProto { DataType = TensorTypes.Int64, Name = output };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return Node("Constant", "replens/" + output, Array.Empty<string>(), new[] { output },
            new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
    }
}
