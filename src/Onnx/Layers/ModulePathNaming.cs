using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Onnx.Graph;

namespace RepLens.Onnx.Layers;

/// <summary>
/// Layer names for PyTorch exports (torch ≥ 1.13 writes the module scope into node names:
/// <c>/layer1/layer1.0/relu/Relu</c>). Every leaf module called in the forward pass becomes one layer
/// named by its module path (<c>layer1.0.relu</c>; a module called twice gives <c>relu</c> and
/// <c>relu_1</c>, as the exporter numbers the calls), whose value is the module's output — what a
/// forward hook on it returns. Operations written in a parent module's <c>forward</c> rather than by a
/// module (the residual <c>out += identity</c>, ViT's <c>x[:, 0]</c>) become layers named
/// <c>parent.op</c> (<c>layer1.0.add</c>); pure reshapes, transposes and casts there are left out.
/// </summary>
/// <remarks>
/// If the exporter folded a BatchNorm into the preceding convolution (PyTorch's default in eval mode),
/// the convolution's output is the BatchNorm's output. <c>tools/export_onnx.py</c> records such folds
/// in the model metadata (<see cref="FoldedBatchNormKey"/>), and the layer is then named after the
/// BatchNorm. For exports made elsewhere the layer keeps the convolution's name.
/// </remarks>
public sealed class ModulePathNaming : ILayerNamingStrategy
{
    /// <summary>Metadata key (JSON object conv module → batch-norm module) written by tools/export_onnx.py when it folds BatchNorm.</summary>
    public const string FoldedBatchNormKey = "replens.folded_batchnorm";

    /// <summary>The shared instance.</summary>
    public static ModulePathNaming Instance { get; } = new();

    /// <inheritdoc />
    public string Id => "module-path";

    /// <summary>Whether most data-carrying nodes of <paramref name="graph"/> have scoped PyTorch names.</summary>
    /// <param name="graph">The graph.</param>
    public static bool Applies(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int data = 0, scoped = 0;
        foreach (var n in graph.Nodes)
        {
            if (!n.Outputs.Any(graph.IsData)) continue;
            data++;
            if (n.Name.StartsWith('/')) scoped++;
        }
        return data > 0 && scoped * 2 >= data;
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerCandidate> FindLayers(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var folded = ReadFoldedBatchNorms(graph);

        // Scope of every data node: the node name without its last segment.
        var dataNodes = graph.Nodes.Where(n => n.OpType != "Constant" && n.Outputs.Any(graph.IsData)).ToList();
        var scopeOf = new Dictionary<OnnxNode, string>();
        foreach (var n in dataNodes) scopeOf[n] = ScopeOf(n.Name);
        var scopes = scopeOf.Values.ToHashSet(StringComparer.Ordinal);
        bool IsLeaf(string scope) => scope.Length > 0 && !scopes.Any(s => s.Length > scope.Length && s.StartsWith(scope + "/", StringComparison.Ordinal));

        var membersOf = graph.Nodes.GroupBy(n => ScopeOf(n.Name), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToHashSet(), StringComparer.Ordinal);

        var layers = new List<(int Order, LayerCandidate Layer)>();
        foreach (var group in dataNodes.GroupBy(n => scopeOf[n]))
        {
            var scope = group.Key;
            var path = ModulePath(scope);
            if (IsLeaf(scope))
            {
                var members = membersOf[scope];
                var outputs = new List<(OnnxNode Node, string Value)>();
                foreach (var node in group)
                {
                    foreach (var value in node.Outputs)
                    {
                        if (value.Length == 0 || !graph.IsData(value)) continue;
                        bool usedOutside = graph.IsGraphOutput(value) || graph.Consumers(value).Any(c => !members.Contains(c));
                        if (usedOutside) outputs.Add((node, value));
                    }
                }
                var ops = group.Select(n => n.OpType).ToList();
                for (int k = 0; k < outputs.Count; k++)
                {
                    var (node, value) = outputs[k];
                    var name = folded.TryGetValue(path, out var bn) ? bn : path;
                    if (k > 0) name += ".output" + k;
                    var op = OpKinds.CompositeOpType(ops, node.OpType);
                    layers.Add((node.Index, new LayerCandidate(name, value, op, KindOf(graph, value, op, residual: false))));
                }
            }
            else
            {
                foreach (var node in group)
                {
                    if (OpKinds.LayoutOps.Contains(node.OpType)) continue;
                    var opName = LastSegment(node.Name);
                    if (opName.Length == 0) opName = node.OpType;
                    var baseName = (path.Length > 0 ? path + "." : "") + opName.ToLowerInvariant();
                    int k = 0;
                    foreach (var value in node.Outputs)
                    {
                        if (value.Length == 0 || !graph.IsData(value)) continue;
                        var name = k == 0 ? baseName : baseName + ".output" + k;
                        bool residual = node.OpType is "Add" or "Sum" && node.Inputs.Count(i => i.Length > 0 && graph.IsData(i)) >= 2;
                        layers.Add((node.Index, new LayerCandidate(name, value, node.OpType, KindOf(graph, value, node.OpType, residual))));
                        k++;
                    }
                }
            }
        }

        return LayerNames.MakeUnique(layers.OrderBy(l => l.Order).Select(l => l.Layer));
    }

    /// <summary>
    /// The module path of an exporter scope: <c>/layer1/layer1.0/relu</c> → <c>layer1.0.relu</c>
    /// (the exporter writes children of containers qualified by the parent's name, <c>layer1.0</c>).
    /// </summary>
    /// <param name="scope">The scope: a node name without its last segment.</param>
    public static string ModulePath(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var parts = new List<string>();
        string previous = "";
        foreach (var segment in scope.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (previous.Length > 0 && segment.StartsWith(previous + ".", StringComparison.Ordinal))
                parts.Add(segment[(previous.Length + 1)..]);
            else
                parts.Add(segment);
            previous = segment;
        }
        return string.Join('.', parts);
    }

    private static string ScopeOf(string nodeName)
    {
        if (!nodeName.StartsWith('/')) return "";
        int slash = nodeName.LastIndexOf('/');
        return nodeName[..slash];
    }

    private static string LastSegment(string nodeName)
    {
        int slash = nodeName.LastIndexOf('/');
        return slash >= 0 ? nodeName[(slash + 1)..] : nodeName;
    }

    private static LayerKind KindOf(OnnxGraph graph, string value, string op, bool residual)
    {
        if (graph.IsGraphOutput(value)) return LayerKind.Output;
        if (residual) return LayerKind.Residual;
        return OpKinds.KindOf(op);
    }

    /// <summary>The conv → batch-norm module map of <see cref="FoldedBatchNormKey"/>; empty when the model has none.</summary>
    internal static Dictionary<string, string> ReadFoldedBatchNorms(OnnxGraph graph)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!graph.Metadata.TryGetValue(FoldedBatchNormKey, out var json) || string.IsNullOrWhiteSpace(json)) return map;
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) map[p.Name] = p.Value.GetString()!;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The model's metadata '{FoldedBatchNormKey}' is not a JSON object of module names: {ex.Message}", ex);
        }
        return map;
    }
}
