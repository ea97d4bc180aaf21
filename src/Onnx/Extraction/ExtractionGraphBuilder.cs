using RepLens.Abstractions;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Extraction;

/// <summary>
/// Rewrites a loaded model into the model ML.NET runs: batch fixed to 1 and the image size fixed; a
/// new float input of raw 0–255 pixels followed by the per-channel normalisation (ExtractPixels has
/// one offset and scale for all channels); the requested layers as graph outputs with their shapes
/// (ML.NET needs them) — cast to float, token-pooled where asked, named by the ML.NET column names —
/// and only the nodes those outputs need. An optional input adapter (an ONNX graph from the normalised
/// pixels to the network's input, e.g. a Caffe-style mean-image subtraction) is inlined between the two.
/// With <c>networkInput</c> the new input is the network's own input space instead (tensors that need no
/// preprocessing, e.g. back-projected patterns): no normalisation and no adapter.
/// </summary>
internal static class ExtractionGraphBuilder
{
    internal static (byte[] Model, string InputName) Build(
        OnnxNetwork network, int height, int width, Preprocessing preprocessing, IReadOnlyList<LayerOutputPlan> outputs,
        ModelProto? inputAdapter = null, bool networkInput = false)
    {
        var plans = outputs.ToList();
        var graph = GraphRewriter.Prune(network.Model.Graph, plans.Select(p => p.ValueName));
        var names = GraphRewriter.ValueNames(graph);
        foreach (var n in network.Model.Graph.Node) foreach (var o in n.Output) names.Add(o);
        string Fresh(string stem)
        {
            var name = stem;
            for (int k = 1; names.Contains(name); k++) name = $"{stem}_{k}";
            names.Add(name);
            return name;
        }

        // Output names are the ML.NET column names; an existing value with such a name is renamed.
        var imageInput = network.ImageInput.Name;
        var planned = plans.Select(p => p.OutputName).ToHashSet(StringComparer.Ordinal);
        foreach (var plan in plans.ToList())
        {
            if (!names.Contains(plan.OutputName)) continue;
            if (plan.ValueName == plan.OutputName && !NeedsTransform(plan)) continue;
            var renamed = Fresh(plan.OutputName + "_replens");
            GraphRewriter.Rename(graph, plan.OutputName, renamed);
            if (imageInput == plan.OutputName) imageInput = renamed;
            for (int i = 0; i < plans.Count; i++)
                if (plans[i].ValueName == plan.OutputName) plans[i] = plans[i] with { ValueName = renamed };
        }
        foreach (var p in planned) names.Add(p);

        // Input: raw pixels, then scale, mean and std per channel, then the model's own input.
        var pixels = Fresh(networkInput ? "replens_input" : "replens_pixels");
        var prefix = new List<NodeProto>();
        string current = pixels;
        void Append(string op, string input2, string? output = null, params AttributeProto[] attributes)
        {
            var outName = output ?? Fresh("replens_pre");
            var inputs = input2.Length > 0 ? new[] { current, input2 } : new[] { current };
            prefix.Add(GraphRewriter.Node(op, AddedPrefix + outName, inputs, new[] { outName }, attributes));
            current = outName;
        }
        double inverseScale = 1.0 / preprocessing.PixelScale;
        if (preprocessing.PixelScale != 1f && !networkInput)
        {
            // torchvision's ToTensor divides by 255; dividing (rather than multiplying by 1/255) matches it bit for bit.
            bool integral = Math.Abs(inverseScale - Math.Round(inverseScale)) < 1e-4;
            var c = Fresh("replens_scale");
            prefix.Add(GraphRewriter.FloatConstant(c, Array.Empty<long>(), new[] { integral ? (float)Math.Round(inverseScale) : preprocessing.PixelScale }));
            Append(integral ? "Div" : "Mul", c);
        }
        if (preprocessing.Mean.Any(m => m != 0f) && !networkInput)
        {
            var c = Fresh("replens_mean");
            prefix.Add(GraphRewriter.FloatConstant(c, new long[] { 1, 3, 1, 1 }, preprocessing.Mean.ToArray()));
            Append("Sub", c);
        }
        if (preprocessing.Std.Any(s => s != 1f) && !networkInput)
        {
            var c = Fresh("replens_std");
            prefix.Add(GraphRewriter.FloatConstant(c, new long[] { 1, 3, 1, 1 }, preprocessing.Std.ToArray()));
            Append("Div", c);
        }
        if (inputAdapter is not null && !networkInput)
        {
            InlineAdapter(inputAdapter, graph, prefix, current, imageInput, Fresh);
        }
        else
        {
            if (network.InputElementType != TensorTypes.Float)
                Append("Cast", "", null, GraphRewriter.IntAttribute("to", network.InputElementType));
            if (current == pixels) Append("Identity", "");
            prefix[^1].Output[0] = imageInput;
        }
        for (int i = prefix.Count - 1; i >= 0; i--) graph.Node.Insert(0, prefix[i]);
        graph.Input.Clear();
        graph.Input.Add(TensorTypes.TensorInfo(pixels, TensorTypes.Float, new long[] { 1, 3, height, width }));

        MoveUnsupportedInitializersToConstants(graph);

        // Outputs.
        graph.Output.Clear();
        graph.ValueInfo.Clear();
        long opset = network.Graph.OpsetVersion;
        foreach (var plan in plans)
        {
            var value = plan.ValueName;
            if (plan.ElementType != TensorTypes.Float)
            {
                var cast = Fresh("replens_cast");
                graph.Node.Add(GraphRewriter.Node("Cast", AddedPrefix + cast, new[] { value }, new[] { cast }, GraphRewriter.IntAttribute("to", TensorTypes.Float)));
                value = cast;
            }
            if (plan.TokenAxis >= 0 && plan.Pooling == TokenPooling.Cls)
            {
                var index = Fresh("replens_cls_index");
                var gathered = Fresh("replens_cls");
                graph.Node.Add(GraphRewriter.Int64Constant(index, Array.Empty<long>(), new long[] { 0 }));
                graph.Node.Add(GraphRewriter.Node("Gather", AddedPrefix + gathered, new[] { value, index }, new[] { gathered }, GraphRewriter.IntAttribute("axis", plan.TokenAxis)));
                value = gathered;
            }
            else if (plan.TokenAxis >= 0 && plan.Pooling == TokenPooling.Mean)
            {
                value = AppendMeanOverPatches(graph, value, plan, opset, Fresh);
            }
            if (value != plan.OutputName)
                graph.Node.Add(GraphRewriter.Node("Identity", AddedPrefix + plan.OutputName, new[] { value }, new[] { plan.OutputName }));
            graph.Output.Add(TensorTypes.TensorInfo(plan.OutputName, TensorTypes.Float, plan.OutputShape));
        }

        NameAddedNodes(graph, network);
        return (network.Serialize(graph), pixels);
    }

    /// <summary>
    /// Gives every node this builder added a unique name (<c>replens/…</c>): ONNX Runtime refuses two nodes
    /// of one name, and an added node named after its output could meet a network node of that name.
    /// </summary>
    private static void NameAddedNodes(GraphProto graph, OnnxNetwork network)
    {
        var original = new HashSet<NodeProto>(network.Model.Graph.Node, ReferenceEqualityComparer.Instance);
        var used = graph.Node.Where(n => original.Contains(n) || !n.Name.StartsWith(AddedPrefix, StringComparison.Ordinal))
            .Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (original.Contains(node) || !node.Name.StartsWith(AddedPrefix, StringComparison.Ordinal)) continue;
            var name = node.Name;
            for (int k = 1; used.Contains(name); k++) name = $"{node.Name}_{k}";
            node.Name = name;
            used.Add(name);
        }
    }

    private const string AddedPrefix = "replens/";

    /// <summary>
    /// Copies the adapter's nodes and weights into <paramref name="graph"/> under fresh names, reading
    /// <paramref name="from"/> and writing the network's input <paramref name="to"/>.
    /// </summary>
    private static void InlineAdapter(ModelProto adapter, GraphProto graph, List<NodeProto> prefix, string from, string to, Func<string, string> fresh)
    {
        var g = adapter.Graph;
        var weights = g.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [g.Input.First(i => !weights.Contains(i.Name)).Name] = from,
            [g.Output[0].Name] = to,
        };
        string Map(string value)
        {
            if (value.Length == 0) return value;
            if (!map.TryGetValue(value, out var name)) map[value] = name = fresh("replens_adapter/" + value);
            return name;
        }
        foreach (var tensor in g.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = Map(tensor.Name);
            graph.Initializer.Add(copy);
        }
        foreach (var node in g.Node)
        {
            var copy = node.Clone();
            for (int i = 0; i < copy.Input.Count; i++) copy.Input[i] = Map(copy.Input[i]);
            for (int i = 0; i < copy.Output.Count; i++) copy.Output[i] = Map(copy.Output[i]);
            copy.Name = AddedPrefix + "adapter/" + (node.Name.Length > 0 ? node.Name : node.OpType);
            prefix.Add(copy);
        }
    }

    /// <summary>Initializer types ML.NET's ONNX loader understands; it refuses a model with any other (e.g. float16 weights).</summary>
    private static readonly HashSet<int> MlNetInitializerTypes = new()
    {
        (int)TensorProto.Types.DataType.Float, (int)TensorProto.Types.DataType.Double, (int)TensorProto.Types.DataType.Int8,
        (int)TensorProto.Types.DataType.Uint8, (int)TensorProto.Types.DataType.Int16, (int)TensorProto.Types.DataType.Uint16,
        (int)TensorProto.Types.DataType.Int32, (int)TensorProto.Types.DataType.Uint32, (int)TensorProto.Types.DataType.Int64,
        (int)TensorProto.Types.DataType.Uint64, (int)TensorProto.Types.DataType.Bool, (int)TensorProto.Types.DataType.String,
    };

    /// <summary>
    /// Turns initializers of types ML.NET cannot describe (float16 weights of half-precision exports) into
    /// <c>Constant</c> nodes holding the same tensor: the same graph for ONNX Runtime, and one that ML.NET's
    /// own <c>ApplyOnnxModel</c> also loads (it refuses any model with such an initializer).
    /// </summary>
    private static void MoveUnsupportedInitializersToConstants(GraphProto graph)
    {
        var moved = graph.Initializer.Where(t => !MlNetInitializerTypes.Contains(t.DataType)).ToList();
        if (moved.Count == 0) return;
        int at = 0;
        foreach (var tensor in moved)
        {
            graph.Initializer.Remove(tensor);
            graph.Node.Insert(at++, GraphRewriter.Node("Constant", AddedPrefix + tensor.Name, Array.Empty<string>(), new[] { tensor.Name },
                new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor }));
        }
    }

    private static bool NeedsTransform(LayerOutputPlan plan) =>
        plan.ElementType != TensorTypes.Float || (plan.TokenAxis >= 0 && plan.Pooling != TokenPooling.All);

    private static string AppendMeanOverPatches(GraphProto graph, string value, LayerOutputPlan plan, long opset, Func<string, string> fresh)
    {
        long tokens = plan.Shape[plan.TokenAxis];
        var sliced = fresh("replens_patches");
        if (opset >= 10)
        {
            var starts = fresh("replens_starts");
            var ends = fresh("replens_ends");
            var axes = fresh("replens_axes");
            graph.Node.Add(GraphRewriter.Int64Constant(starts, new long[] { 1 }, new long[] { plan.PrefixTokens }));
            graph.Node.Add(GraphRewriter.Int64Constant(ends, new long[] { 1 }, new long[] { tokens }));
            graph.Node.Add(GraphRewriter.Int64Constant(axes, new long[] { 1 }, new long[] { plan.TokenAxis }));
            graph.Node.Add(GraphRewriter.Node("Slice", AddedPrefix + sliced, new[] { value, starts, ends, axes }, new[] { sliced }));
        }
        else
        {
            graph.Node.Add(GraphRewriter.Node("Slice", AddedPrefix + sliced, new[] { value }, new[] { sliced },
                GraphRewriter.IntsAttribute("starts", plan.PrefixTokens), GraphRewriter.IntsAttribute("ends", tokens), GraphRewriter.IntsAttribute("axes", plan.TokenAxis)));
        }
        var mean = fresh("replens_mean_tokens");
        if (opset >= 18)
        {
            var axes = fresh("replens_mean_axes");
            graph.Node.Add(GraphRewriter.Int64Constant(axes, new long[] { 1 }, new long[] { plan.TokenAxis }));
            graph.Node.Add(GraphRewriter.Node("ReduceMean", AddedPrefix + mean, new[] { sliced, axes }, new[] { mean }, GraphRewriter.IntAttribute("keepdims", 0)));
        }
        else
        {
            graph.Node.Add(GraphRewriter.Node("ReduceMean", AddedPrefix + mean, new[] { sliced }, new[] { mean },
                GraphRewriter.IntsAttribute("axes", plan.TokenAxis), GraphRewriter.IntAttribute("keepdims", 0)));
        }
        return mean;
    }
}
