using RepLens.Abstractions;
using RepLens.Onnx.Graph;

namespace RepLens.Onnx.Layers;

/// <summary>
/// torchvision's ResNet module paths for exports whose node names say nothing (CNTK's <c>Convolution249</c>,
/// <c>ReLU253</c>, <c>Plus391</c>), derived from the graph's structure, so that the same layer names and
/// patterns work on a torchvision export and on such a network. Every residual sum (an <c>Add</c> of two
/// image-dependent tensors) closes a block; the block's input is the latest value both summands depend on;
/// the summand with more operations since that input is the main branch, the other the shortcut. Blocks are
/// numbered within stages, and a new stage starts at every block with a projection shortcut after the first.
/// Names:
/// <list type="bullet">
/// <item>stem (before the first block): <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>maxpool</c>;</item>
/// <item>block <c>layerS.B</c>: the main branch's <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c>,
/// … (convolutions and batch norms numbered in order; activations as calls of one module: <c>relu</c>,
/// <c>relu_1</c>, …), the shortcut's <c>downsample.0</c>, <c>downsample.1</c>, …, the sum <c>add</c>, and the
/// activation after the sum, which is the block's output (<c>relu_1</c> in a basic block, <c>relu_2</c> in a
/// bottleneck — what a torchvision export calls it, the module <c>relu</c> being called again);</item>
/// <item>head (after the last block): <c>avgpool</c>, <c>fc</c> (a <c>Gemm</c>, or a <c>MatMul</c> with its bias
/// <c>Add</c>), other operations by their lower-case op type.</item>
/// </list>
/// Reshapes, transposes and casts are not layers. A BatchNorm folded into its convolution by
/// <c>tools/export_onnx.py</c> (metadata <see cref="ModulePathNaming.FoldedBatchNormKey"/>) names the
/// convolution's output after the BatchNorm, as <see cref="ModulePathNaming"/> does.
/// </summary>
public sealed class ResNetStructureNaming : ILayerNamingStrategy
{
    /// <summary>The shared instance.</summary>
    public static ResNetStructureNaming Instance { get; } = new();

    /// <inheritdoc />
    public string Id => "resnet-structure";

    /// <summary>Whether <paramref name="graph"/> has a ResNet structure (residual blocks with convolutions in their main branches).</summary>
    /// <param name="graph">The graph.</param>
    public bool CanName(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return TryName(graph, out _, out _);
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerCandidate> FindLayers(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!TryName(graph, out var layers, out var reason))
            throw new InvalidDataException($"The graph has no ResNet structure to name its layers by ({reason}); use the naming 'node-name' or 'module-path'.");
        return layers;
    }

    private static bool TryName(OnnxGraph graph, out IReadOnlyList<LayerCandidate> layers, out string reason)
    {
        layers = Array.Empty<LayerCandidate>();
        var blocks = FindBlocks(graph, out reason);
        if (blocks is null) return false;

        var folded = ModulePathNaming.ReadFoldedBatchNorms(graph);
        var names = new Dictionary<int, (string Name, string OpType, string Value, bool Residual)>();
        var absorbed = new HashSet<int>();

        var dataNodes = graph.Nodes.Where(n => n.OpType != "Constant" && n.Outputs.Any(graph.IsData)).ToList();
        int firstBlockStart = blocks[0].InputIndex;
        int lastBlockEnd = blocks[^1].OutputNode.Index;

        // Stem: everything up to the first block's input.
        var stem = new Scope("");
        foreach (var n in dataNodes.Where(n => n.Index <= firstBlockStart)) Name(n, stem.Next(n.OpType, ModuleKind(n.OpType, head: false)));

        int stage = 0, inStage = 0;
        for (int k = 0; k < blocks.Count; k++)
        {
            var b = blocks[k];
            if (k == 0 || b.Shortcut.Count > 0)
            {
                stage++;
                inStage = 0;
            }
            else inStage++;
            var scope = new Scope($"layer{stage}.{inStage}");
            foreach (var n in b.Main) Name(n, scope.Next(n.OpType, ModuleKind(n.OpType, head: false)));
            int d = 0;
            foreach (var n in b.Shortcut) Name(n, $"{scope.Prefix}downsample.{d++}");
            names[b.Add.Index] = ($"{scope.Prefix}add", b.Add.OpType, DataOutput(graph, b.Add), true);
            if (b.Activation is not null) Name(b.Activation, scope.Next(b.Activation.OpType, ModuleKind(b.Activation.OpType, head: false)));
            foreach (var n in dataNodes.Where(n => n.Index > b.InputIndex && n.Index < b.OutputNode.Index && !names.ContainsKey(n.Index)))
                Name(n, scope.Next(n.OpType, ModuleKind(n.OpType, head: false)));

            // Anything between this block's output and the next block's input belongs to the stage.
            int until = k + 1 < blocks.Count ? blocks[k + 1].InputIndex : b.OutputNode.Index;
            foreach (var n in dataNodes.Where(n => n.Index > b.OutputNode.Index && n.Index <= until && !names.ContainsKey(n.Index)))
                Name(n, scope.Next(n.OpType, ModuleKind(n.OpType, head: false)));
        }

        // Head: after the last block.
        var head = new Scope("");
        foreach (var n in dataNodes.Where(n => n.Index > lastBlockEnd))
        {
            if (absorbed.Contains(n.Index)) continue;
            var name = head.Next(n.OpType, ModuleKind(n.OpType, head: true));
            if (n.OpType == "MatMul" && BiasAdd(graph, n) is { } bias)
            {
                absorbed.Add(bias.Index);
                names[n.Index] = (name, "MatMul", DataOutput(graph, bias), false);
                continue;
            }
            Name(n, name);
        }

        var result = new List<LayerCandidate>();
        foreach (var n in dataNodes)
        {
            if (!names.TryGetValue(n.Index, out var entry) || OpKinds.LayoutOps.Contains(n.OpType)) continue;
            var name = folded.TryGetValue(entry.Name, out var bn) ? bn : entry.Name;
            int output = 0;
            foreach (var value in entry.Value == DataOutput(graph, n) ? n.Outputs : new[] { entry.Value })
            {
                if (value.Length == 0 || !graph.IsData(value)) continue;
                var kind = graph.IsGraphOutput(value) ? LayerKind.Output : entry.Residual ? LayerKind.Residual : OpKinds.KindOf(entry.OpType);
                result.Add(new LayerCandidate(output == 0 ? name : $"{name}.output{output}", value, entry.OpType, kind));
                output++;
            }
        }
        layers = LayerNames.MakeUnique(result);
        return true;

        void Name(OnnxNode n, string name)
        {
            if (OpKinds.LayoutOps.Contains(n.OpType) || names.ContainsKey(n.Index)) return;
            names[n.Index] = (name, n.OpType, DataOutput(graph, n), false);
        }
    }

    /// <summary>How an op is named: numbered modules (conv1, conv2), or calls of one module (relu, relu_1).</summary>
    private static (string Stem, bool Numbered) ModuleKind(string opType, bool head) => opType switch
    {
        "Conv" or "ConvTranspose" => ("conv", true),
        "BatchNormalization" => ("bn", true),
        "Relu" => ("relu", false),
        "MaxPool" or "GlobalMaxPool" => ("maxpool", false),
        "AveragePool" or "GlobalAveragePool" or "ReduceMean" => ("avgpool", false),
        "Gemm" or "MatMul" when head => ("fc", false),
        _ => (opType.ToLowerInvariant(), false),
    };

    private static string DataOutput(OnnxGraph graph, OnnxNode node) => node.Outputs.FirstOrDefault(o => o.Length > 0 && graph.IsData(o)) ?? node.Outputs[0];

    /// <summary>The <c>Add</c> of a bias initializer that is the only reader of a MatMul's output, or <c>null</c>.</summary>
    private static OnnxNode? BiasAdd(OnnxGraph graph, OnnxNode matMul)
    {
        var consumers = graph.Consumers(DataOutput(graph, matMul));
        if (consumers.Count != 1 || consumers[0].OpType != "Add") return null;
        var add = consumers[0];
        return add.Inputs.Count(i => i.Length > 0 && graph.IsData(i)) == 1 ? add : null;
    }

    private static List<Block>? FindBlocks(OnnxGraph graph, out string reason)
    {
        reason = "";
        var ancestors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var blocks = new List<Block>();
        foreach (var node in graph.Nodes)
        {
            if (node.OpType is not ("Add" or "Sum")) continue;
            var inputs = node.Inputs.Where(i => i.Length > 0 && graph.IsData(i)).Distinct(StringComparer.Ordinal).ToList();
            if (inputs.Count < 2) continue;
            if (inputs.Count > 2)
            {
                reason = $"node '{node.Name}' adds {inputs.Count} tensors; a residual sum adds two";
                return null;
            }
            var a = ValuesUpTo(graph, inputs[0], ancestors);
            var b = ValuesUpTo(graph, inputs[1], ancestors);
            var common = a.Where(b.Contains).ToList();
            if (common.Count == 0)
            {
                reason = $"the summands of node '{node.Name}' share no input";
                return null;
            }
            var input = common.MaxBy(v => graph.Producer(v)?.Index ?? -1)!;
            var above = ValuesUpTo(graph, input, ancestors);
            List<OnnxNode> Branch(HashSet<string> values) => values.Where(v => !above.Contains(v)).Select(graph.Producer).OfType<OnnxNode>()
                .Distinct().OrderBy(n => n.Index).ToList();
            var first = Branch(a);
            var second = Branch(b);
            int Convs(List<OnnxNode> nodes) => nodes.Count(n => n.OpType is "Conv" or "ConvTranspose");
            bool firstIsMain = (Convs(first), first.Count).CompareTo((Convs(second), second.Count)) >= 0;
            var main = firstIsMain ? first : second;
            var shortcut = (firstIsMain ? second : first).Where(n => !main.Contains(n)).ToList();
            if (Convs(main) == 0)
            {
                reason = $"the residual branch ending in node '{node.Name}' has no convolution (a transformer?)";
                return null;
            }
            int inputIndex = graph.Producer(input)?.Index ?? -1;
            if (blocks.Count > 0 && inputIndex < blocks[^1].OutputNode.Index)
            {
                reason = $"the residual connection ending in node '{node.Name}' spans more than one block";
                return null;
            }

            var sum = node.Outputs[0];
            var readers = graph.Consumers(sum);
            OnnxNode? activation = readers.Count == 1 && !graph.IsGraphOutput(sum) && OpKinds.KindOf(readers[0].OpType) == LayerKind.Activation
                && readers[0].Inputs.Count(i => i.Length > 0 && graph.IsData(i)) == 1 ? readers[0] : null;
            blocks.Add(new Block(inputIndex, main, shortcut, node, activation));
        }
        if (blocks.Count == 0)
        {
            reason = "no residual sums";
            return null;
        }
        return blocks;
    }

    /// <summary>The data values <paramref name="value"/> depends on, itself included (memoised).</summary>
    private static HashSet<string> ValuesUpTo(OnnxGraph graph, string value, Dictionary<string, HashSet<string>> memo)
    {
        if (memo.TryGetValue(value, out var known)) return known;
        var set = new HashSet<string>(StringComparer.Ordinal) { value };
        var stack = new Stack<string>();
        stack.Push(value);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            var producer = graph.Producer(v);
            if (producer is null) continue;
            foreach (var i in producer.Inputs)
            {
                if (i.Length == 0 || !graph.IsData(i)) continue;
                if (memo.TryGetValue(i, out var upstream))
                {
                    set.UnionWith(upstream);
                    continue;
                }
                if (set.Add(i)) stack.Push(i);
            }
        }
        memo[value] = set;
        return set;
    }

    /// <summary>One residual block: where its input is produced, its branches, the sum and the activation after it.</summary>
    private sealed record Block(int InputIndex, List<OnnxNode> Main, List<OnnxNode> Shortcut, OnnxNode Add, OnnxNode? Activation)
    {
        public OnnxNode OutputNode => Activation ?? Add;
    }

    /// <summary>Names within one module scope: numbered modules count up from 1, repeated calls get _1, _2, ….</summary>
    private sealed class Scope(string path)
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public string Prefix => path.Length == 0 ? "" : path + ".";

        public string Next(string opType, (string Stem, bool Numbered) kind)
        {
            if (OpKinds.LayoutOps.Contains(opType)) return "";
            int k = _counts.GetValueOrDefault(kind.Stem);
            _counts[kind.Stem] = k + 1;
            return Prefix + (kind.Numbered ? $"{kind.Stem}{k + 1}" : k == 0 ? kind.Stem : $"{kind.Stem}_{k}");
        }
    }
}
