using RepLens.Abstractions;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.ReceptiveFields;

/// <summary>
/// Walks an ONNX graph from a layer back to the image input and writes down, for every node on the way,
/// its back-projection rule and parameters (<see cref="BackProjectionPlan"/>). Only the nodes the layer
/// depends on through image data are on the path: the rest of the network, weights and shape
/// computations are not. An operator without a rule anywhere on the path stops the plan with a message
/// naming it and its node.
/// </summary>
internal static class BackProjectionPlanner
{
    /// <summary>Operators with a back-projection rule.</summary>
    internal static readonly IReadOnlyList<string> SupportedOps = new[]
    {
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Relu", "BatchNormalization",
        "Add", "Concat", "Flatten", "Reshape", "Identity", "Dropout",
    };

    internal static BackProjectionPlan Plan(OnnxNetwork network, string model, LayerDescription layer, int height, int width)
    {
        var graph = network.Graph;
        var input = network.ImageInput.Name;
        string where = $"Model '{model}', layer '{layer.Name}'";

        // The path: every node that carries image data to the layer, and which of its outputs it does that through.
        var path = new SortedDictionary<int, string>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        var seen = new HashSet<string>(StringComparer.Ordinal) { layer.NetworkName };
        var pending = new Stack<string>();
        pending.Push(layer.NetworkName);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            if (value == input) continue;
            var node = graph.Producer(value)
                ?? throw new InvalidDataException($"{where}: value '{value}' carries image data but no node writes it.");
            path[node.Index] = value;
            foreach (var i in node.Inputs)
                if (i.Length > 0 && graph.IsData(i) && seen.Add(i)) pending.Push(i);
        }

        var refused = new List<string>();
        foreach (var (index, value) in path)
        {
            var node = graph.Nodes[index];
            if (node.Domain is not ("" or "ai.onnx") || !SupportedOps.Contains(node.OpType, StringComparer.Ordinal))
                refused.Add($"{(node.Domain is "" or "ai.onnx" ? "" : node.Domain + ".")}{node.OpType} (node '{NodeName(node)}')");
            else if (node.Outputs[0] != value)
                refused.Add($"{node.OpType} (node '{NodeName(node)}', through its output {node.Outputs.ToList().IndexOf(value)}, not its result)");
        }
        if (refused.Count > 0)
            throw new NotSupportedException(
                $"{where}: back-projection has no rule for {Join(refused.Distinct().ToList())} on the path from the input to the layer. " +
                $"Back-projection applies to convolutional networks; the operators it knows are {string.Join(", ", SupportedOps)}." +
                (refused.Any(r => r.StartsWith("MatMul", StringComparison.Ordinal) || r.StartsWith("Softmax", StringComparison.Ordinal) || r.StartsWith("Gemm", StringComparison.Ordinal))
                    ? " Fully connected and attention layers (a ViT's MatMul and Softmax) cannot be inverted this way: choose a convolutional layer of a convolutional network."
                    : ""));

        // Shapes of every value on the path, from one run of the network at the crop size.
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in path.Keys)
        {
            var node = graph.Nodes[index];
            values.Add(node.Outputs[0]);
            foreach (var i in node.Inputs) if (i.Length > 0 && graph.IsData(i) && i != input) values.Add(i);
        }
        var probed = values.Count == 0 ? new() : network.ProbeShapes(values.ToList(), height, width);
        var inputShape = new[] { 3, height, width };
        IReadOnlyList<int> ShapeOf(string value)
        {
            if (value == input) return inputShape;
            if (!probed.TryGetValue(value, out var p))
                throw new InvalidDataException($"{where}: ONNX Runtime gave no shape for value '{value}'.");
            if (p.Shape.Length == 0 || p.Shape[0] != 1)
                throw new NotSupportedException($"{where}: value '{value}' has shape [{string.Join(", ", p.Shape)}] at batch 1; back-projection needs batch-first values.");
            return p.Shape.Skip(1).Select(d => checked((int)d)).ToArray();
        }

        var constants = new ConstantReader(network);
        var steps = new List<BackProjectionStep>();
        foreach (var index in path.Keys)
        {
            var node = graph.Nodes[index];
            var proto = network.Model.Graph.Node[index];
            var dataInputs = node.Inputs.Where(i => i.Length > 0 && graph.IsData(i)).ToList();
            var step = new BackProjectionStep(node.Name, node.OpType, default, node.Outputs[0], ShapeOf(node.Outputs[0]),
                dataInputs, dataInputs.Select(ShapeOf).ToList());
            string at = $"{where}: node '{NodeName(node)}' ({node.OpType})";
            steps.Add(node.OpType switch
            {
                "Conv" => Conv(step, proto, node, constants, at),
                "MaxPool" or "AveragePool" => Pool(step, proto, at),
                "GlobalAveragePool" or "GlobalMaxPool" => GlobalPool(step, at),
                "Relu" => Single(step, BackProjectionRule.Relu, node, at),
                "BatchNormalization" => BatchNorm(step, proto, node, constants, at),
                "Add" => Add(step, at),
                "Concat" => Concat(step, proto, node, at),
                "Flatten" or "Reshape" => Single(step, BackProjectionRule.Reshape, node, at),
                _ => Single(step, BackProjectionRule.Pass, node, at),
            });
        }
        return new BackProjectionPlan(model, layer.Name, input, inputShape, layer.NetworkName, layer.Shape.ToArray(), steps);
    }

    private static BackProjectionStep Single(BackProjectionStep step, BackProjectionRule rule, OnnxNode node, string at)
    {
        if (step.Inputs.Count != 1 || step.Inputs[0] != node.Inputs[0])
            throw new NotSupportedException($"{at}: image data reaches it through an argument other than its first input; back-projection cannot follow it.");
        return step with { Rule = rule };
    }

    private static BackProjectionStep Conv(BackProjectionStep step, NodeProto proto, OnnxNode node, ConstantReader constants, string at)
    {
        if (step.Inputs.Count != 1 || step.Inputs[0] != node.Inputs[0])
            throw new NotSupportedException($"{at}: its weights depend on the image; back-projection needs stored weights.");
        var (weights, dims) = constants.Read(node.Inputs[1], $"{at}, weights '{node.Inputs[1]}'");
        if (dims.Length != 4 || step.InputShapes[0].Count != 3 || step.OutputShape.Count != 3)
            throw new NotSupportedException($"{at}: a {dims.Length - 2}-D convolution; back-projection is defined for 2-D convolutions of [C, H, W] feature maps.");
        int groups = (int)Attributes.Int(proto, "group", 1);
        var inShape = step.InputShapes[0];
        var outShape = step.OutputShape;
        if (dims[0] != outShape[0] || dims[1] * groups != inShape[0])
            throw new InvalidDataException($"{at}: weights [{string.Join(", ", dims)}] with {groups} group(s) do not map [{string.Join(", ", inShape)}] to [{string.Join(", ", outShape)}].");
        var kernel = Attributes.Ints(proto, "kernel_shape");
        if (kernel is not null && (kernel.Length != 2 || kernel[0] != dims[2] || kernel[1] != dims[3]))
            throw new InvalidDataException($"{at}: kernel_shape [{string.Join(", ", kernel)}] does not match its weights [{string.Join(", ", dims)}].");
        float[]? bias = null;
        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            var (b, bDims) = constants.Read(node.Inputs[2], $"{at}, bias '{node.Inputs[2]}'");
            if (b.Length != dims[0]) throw new InvalidDataException($"{at}: bias has {b.Length} values for {dims[0]} output channels.");
            _ = bDims;
            bias = b;
        }
        var window = Window(proto, (int)dims[2], (int)dims[3], inShape, outShape, dilationsAllowed: true, at);
        return step with
        {
            Rule = BackProjectionRule.TransposedConvolution, Window = window, Weights = weights,
            WeightShape = dims.Select(d => (int)d).ToArray(), Groups = groups, Bias = bias,
        };
    }

    private static BackProjectionStep Pool(BackProjectionStep step, NodeProto proto, string at)
    {
        if (step.InputShapes[0].Count != 3 || step.OutputShape.Count != 3)
            throw new NotSupportedException($"{at}: pooling over [{string.Join(", ", step.InputShapes[0])}]; back-projection is defined for 2-D pooling of [C, H, W] feature maps.");
        var kernel = Attributes.Ints(proto, "kernel_shape")
            ?? throw new InvalidDataException($"{at}: no kernel_shape attribute.");
        if (kernel.Length != 2) throw new NotSupportedException($"{at}: a {kernel.Length}-D pooling; back-projection is defined for 2-D pooling.");
        var window = Window(proto, (int)kernel[0], (int)kernel[1], step.InputShapes[0], step.OutputShape, dilationsAllowed: true, at);
        return step with
        {
            Rule = BackProjectionRule.Upsample, Window = window,
            Divisor = step.OpType == "AveragePool" ? kernel[0] * kernel[1] : 1f,
        };
    }

    private static BackProjectionStep GlobalPool(BackProjectionStep step, string at)
    {
        var inShape = step.InputShapes[0];
        if (inShape.Count != 3) throw new NotSupportedException($"{at}: global pooling over [{string.Join(", ", inShape)}]; back-projection is defined for [C, H, W] feature maps.");
        return step with
        {
            Rule = BackProjectionRule.Upsample, Window = new SlidingWindow(inShape[1], inShape[2], 1, 1, 1, 1, 0, 0),
            Divisor = step.OpType == "GlobalAveragePool" ? inShape[1] * inShape[2] : 1f,
        };
    }

    private static BackProjectionStep BatchNorm(BackProjectionStep step, NodeProto proto, OnnxNode node, ConstantReader constants, string at)
    {
        if (step.Inputs.Count != 1 || step.Inputs[0] != node.Inputs[0])
            throw new NotSupportedException($"{at}: its statistics depend on the image; back-projection needs stored statistics.");
        int channels = step.InputShapes[0].Count > 0 ? step.InputShapes[0][0] : 1;
        var (gamma, _) = constants.Read(node.Inputs[1], $"{at}, scale '{node.Inputs[1]}'");
        var (variance, _) = constants.Read(node.Inputs[4], $"{at}, variance '{node.Inputs[4]}'");
        if (gamma.Length != channels || variance.Length != channels)
            throw new InvalidDataException($"{at}: {gamma.Length} scales and {variance.Length} variances for {channels} channels.");
        double epsilon = Attributes.Float(proto, "epsilon", 1e-5f);
        var scale = new float[channels];
        for (int c = 0; c < channels; c++) scale[c] = (float)(gamma[c] / Math.Sqrt(variance[c] + epsilon));
        return step with { Rule = BackProjectionRule.ChannelScale, Scale = scale };
    }

    private static BackProjectionStep Add(BackProjectionStep step, string at)
    {
        for (int i = 0; i < step.Inputs.Count; i++)
            if (!step.InputShapes[i].SequenceEqual(step.OutputShape))
                throw new NotSupportedException(
                    $"{at}: input '{step.Inputs[i]}' [{string.Join(", ", step.InputShapes[i])}] is broadcast to [{string.Join(", ", step.OutputShape)}]; " +
                    "back-projection defines Add for residual connections of equal shapes.");
        return step with { Rule = BackProjectionRule.Fork };
    }

    private static BackProjectionStep Concat(BackProjectionStep step, NodeProto proto, OnnxNode node, string at)
    {
        int rank = step.OutputShape.Count + 1;
        long axis = Attributes.Int(proto, "axis", long.MinValue);
        if (axis == long.MinValue) throw new InvalidDataException($"{at}: no axis attribute.");
        if (axis < 0) axis += rank;
        if (axis != 1) throw new NotSupportedException($"{at}: concatenates along axis {axis}; back-projection splits along channels (axis 1) only.");
        if (step.Inputs.Count != node.Inputs.Count(i => i.Length > 0))
            throw new NotSupportedException($"{at}: concatenates image data with constants; back-projection splits image data only.");
        return step with { Rule = BackProjectionRule.ChannelSplit };
    }

    /// <summary>The window of a convolution or pooling node, with <c>auto_pad</c> and explicit pads resolved to the top and left padding.</summary>
    private static SlidingWindow Window(NodeProto proto, int kh, int kw, IReadOnlyList<int> inShape, IReadOnlyList<int> outShape, bool dilationsAllowed, string at)
    {
        var strides = Attributes.Ints(proto, "strides") ?? new long[] { 1, 1 };
        var dilations = Attributes.Ints(proto, "dilations") ?? new long[] { 1, 1 };
        if (strides.Length != 2 || dilations.Length != 2 || (!dilationsAllowed && dilations.Any(d => d != 1)))
            throw new InvalidDataException($"{at}: strides [{string.Join(", ", strides)}] or dilations [{string.Join(", ", dilations)}] are not two sizes.");
        var autoPad = Attributes.String(proto, "auto_pad", "NOTSET");
        int top, left;
        switch (autoPad)
        {
            case "NOTSET" or "":
                var pads = Attributes.Ints(proto, "pads") ?? new long[4];
                if (pads.Length != 4) throw new InvalidDataException($"{at}: pads [{string.Join(", ", pads)}] are not four sizes (top, left, bottom, right).");
                (top, left) = ((int)pads[0], (int)pads[1]);
                break;
            case "VALID":
                (top, left) = (0, 0);
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                int Begin(int input, int output, long stride, long dilation, int k)
                {
                    long total = Math.Max(0, (output - 1) * stride + dilation * (k - 1) + 1 - input);
                    return (int)(autoPad == "SAME_UPPER" ? total / 2 : total - total / 2);
                }
                top = Begin(inShape[1], outShape[1], strides[0], dilations[0], kh);
                left = Begin(inShape[2], outShape[2], strides[1], dilations[1], kw);
                break;
            default:
                throw new InvalidDataException($"{at}: unknown auto_pad '{autoPad}'.");
        }
        return new SlidingWindow(kh, kw, (int)strides[0], (int)strides[1], (int)dilations[0], (int)dilations[1], top, left);
    }

    private static string NodeName(OnnxNode node) => node.Name.Length > 0 ? node.Name : $"#{node.Index} writing {node.Outputs[0]}";

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    /// <summary>Attribute lookup on a node.</summary>
    private static class Attributes
    {
        private static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

        internal static long Int(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

        internal static float Float(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

        internal static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? a.Ints.ToArray() : null;

        internal static string String(NodeProto node, string name, string fallback) => Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;
    }

    /// <summary>Values of initializers and <c>Constant</c> nodes, read on demand.</summary>
    private sealed class ConstantReader(OnnxNetwork network)
    {
        private readonly Dictionary<string, TensorProto> _initializers =
            network.Model.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        internal (float[] Values, long[] Dims) Read(string name, string what)
        {
            // Exporters share identical weights (e.g. zero biases) through Identity nodes.
            for (int hops = 0; hops < 16 && !_initializers.ContainsKey(name) && network.Graph.Producer(name) is { OpType: "Identity" } identity; hops++)
                name = identity.Inputs[0];
            if (!_initializers.TryGetValue(name, out var tensor))
            {
                var producer = network.Graph.Producer(name);
                if (producer is { OpType: "Constant" })
                    tensor = network.Model.Graph.Node[producer.Index].Attribute.FirstOrDefault(a => a.Name == "value")?.T;
                if (tensor is null)
                    throw new NotSupportedException($"{what} is computed in the graph{(producer is null ? "" : $" (by {producer.OpType} '{producer.Name}')")}, not stored; back-projection needs stored parameters.");
            }
            return (TensorValues.ToFloats(tensor, what), tensor.Dims.ToArray());
        }
    }
}
