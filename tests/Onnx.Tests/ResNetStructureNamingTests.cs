using Google.Protobuf;
using RepLens.Abstractions;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Layers;
using RepLens.Onnx.Proto;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

/// <summary>
/// <see cref="ResNetStructureNaming"/>: on torchvision exports whose node and value names are replaced by
/// meaningless ones it must give exactly the module paths (checked by name against <see cref="ModulePathNaming"/>
/// and by value against the PyTorch forward-hook references), and on hand-built graphs the documented names for
/// bottleneck blocks, pooled shortcuts and a MatMul head.
/// </summary>
public sealed class ResNetStructureNamingTests : IDisposable
{
    private static readonly OnnxModelSettings Family = new("test", Preprocessing.ImageNet, UnscopedNaming: ResNetStructureNaming.Instance);
    private static readonly OnnxModelSettings NoStructure = new("test", Preprocessing.ImageNet);
    private readonly TempDir _dir = new("replens-structure");

    [Theory]
    [InlineData("resnet18_narrow.onnx")]
    [InlineData("resnet18_narrow_folded.onnx")]
    public void FindLayers_TorchvisionExport_GivesTheModulePathsLayerForLayer(string file)
    {
        var graph = OnnxNetwork.Load(Model(file)).Graph;
        var expected = ModulePathNaming.Instance.FindLayers(graph);
        Assert.True(ResNetStructureNaming.Instance.CanName(graph));
        Assert.Equal(expected, ResNetStructureNaming.Instance.FindLayers(graph));
    }

    [Fact]
    public void FindLayers_QuickstartNetwork_GivesTheModulePathsLayerForLayer()
    {
        var graph = OnnxNetwork.Load(Path.Combine(Repo.Root, "examples", "quickstart", "models", "tiny_cnn.onnx")).Graph;
        Assert.Equal(ModulePathNaming.Instance.FindLayers(graph), ResNetStructureNaming.Instance.FindLayers(graph));
    }

    [Theory]
    [InlineData("resnet18_narrow.onnx")]
    [InlineData("resnet18_narrow_folded.onnx")]
    public void Open_ExportWithoutNames_NamesEveryLayerAsPyTorchAndMatchesItsActivations(string file)
    {
        using var model = OnnxLoadedModel.Open(Strip(Model(file)), Family, name: "stripped");
        Assert.Equal("resnet-structure", model.Naming.Id);
        Assert.DoesNotContain(model.Layers, l => l.NetworkName.Contains("layer", StringComparison.Ordinal));
        using var named = OnnxLoadedModel.Open(Model(file), Family);
        Assert.Equal(named.Layers.Select(l => (l.Name, l.OpType, l.Kind)), model.Layers.Select(l => (l.Name, l.OpType, l.Kind)));
        AssertEveryLayerMatchesPyTorch(model, "resnet18_narrow");
    }

    [Fact]
    public void Open_ExportWithoutNames_FallsBackToNodeNamesWithoutAFamilyStructure()
    {
        using var model = OnnxLoadedModel.Open(Strip(Model("resnet18_narrow.onnx")), NoStructure);
        Assert.Equal("node-name", model.Naming.Id);
    }

    [Fact]
    public void Open_TransformerWithoutNames_IsNotTakenForAResNet()
    {
        var stripped = Strip(Model("vit_narrow.onnx"));
        Assert.False(ResNetStructureNaming.Instance.CanName(OnnxNetwork.Load(stripped).Graph));
        using var model = OnnxLoadedModel.Open(stripped, Family with { SupportsTokenPooling = true });
        Assert.Equal("node-name", model.Naming.Id);
    }

    [Fact]
    public void Open_NamingOptionOnATransformer_FailsSayingWhy()
    {
        var stripped = Strip(Model("vit_narrow.onnx"));
        var ex = Assert.Throws<InvalidDataException>(() =>
            OnnxLoadedModel.Open(stripped, Family with { SupportsTokenPooling = true }, ModelFileTests.Options("""{ "naming": "resnet-structure" }""")));
        Assert.Contains("no ResNet structure", ex.Message);
        Assert.Contains("no convolution", ex.Message);
    }

    [Fact]
    public void Open_UnknownNaming_ListsTheFamilysStructuralNaming()
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() =>
            OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Family, ModelFileTests.Options("""{ "naming": "cntk" }""")));
        Assert.Contains("resnet-structure", ex.Message);
    }

    [Fact]
    public void FindLayers_BottleneckPooledShortcutAndMatMulHead_GetTorchvisionStyleNames()
    {
        var g = new GraphBuilder("x");
        g.Node("Conv", "x", "c1").Node("BatchNormalization", "c1", "b1").Node("Relu", "b1", "r1").Node("MaxPool", "r1", "p1");
        string Bottleneck(string input, string tag, Func<string, string>? shortcut)
        {
            g.Node("Conv", input, tag + "a").Node("BatchNormalization", tag + "a", tag + "b").Node("Relu", tag + "b", tag + "c")
                .Node("Conv", tag + "c", tag + "d").Node("BatchNormalization", tag + "d", tag + "e").Node("Relu", tag + "e", tag + "f")
                .Node("Conv", tag + "f", tag + "g").Node("BatchNormalization", tag + "g", tag + "h");
            var skip = shortcut?.Invoke(input) ?? input;
            g.Node("Add", new[] { tag + "h", skip }, tag + "sum").Node("Relu", tag + "sum", tag + "out");
            return tag + "out";
        }
        var o1 = Bottleneck("p1", "k1", i => { g.Node("Conv", i, "s1").Node("BatchNormalization", "s1", "s2"); return "s2"; });
        var o2 = Bottleneck(o1, "k2", null);
        var o3 = Bottleneck(o2, "k3", i => { g.Node("AveragePool", i, "d1").Node("Conv", "d1", "d2").Node("BatchNormalization", "d2", "d3"); return "d3"; });
        g.Node("GlobalAveragePool", o3, "gap").Node("Flatten", "gap", "flat").Node("MatMul", new[] { "flat", "W" }, "mm").Node("Add", new[] { "mm", "bias" }, "logits")
            .Node("Softmax", "logits", "probs");
        var graph = g.Build("probs");

        var layers = ResNetStructureNaming.Instance.FindLayers(graph);
        var byName = layers.ToDictionary(l => l.Name);
        string[] block = { "conv1", "bn1", "relu", "conv2", "bn2", "relu_1", "conv3", "bn3", "add", "relu_2" };
        var expected = new[] { "conv1", "bn1", "relu", "maxpool" }
            .Concat(block.Select(n => "layer1.0." + n)).Concat(new[] { "layer1.0.downsample.0", "layer1.0.downsample.1" })
            .Concat(block.Select(n => "layer1.1." + n))
            .Concat(block.Select(n => "layer2.0." + n)).Concat(new[] { "layer2.0.downsample.0", "layer2.0.downsample.1", "layer2.0.downsample.2" })
            .Concat(new[] { "avgpool", "fc", "softmax" });
        Assert.Equal(expected.Order(), layers.Select(l => l.Name).Order());
        Assert.Equal(("k1out", "Relu"), (byName["layer1.0.relu_2"].ValueName, byName["layer1.0.relu_2"].OpType));
        Assert.Equal(("k2sum", LayerKind.Residual), (byName["layer1.1.add"].ValueName, byName["layer1.1.add"].Kind));
        Assert.Equal(("d1", "AveragePool"), (byName["layer2.0.downsample.0"].ValueName, byName["layer2.0.downsample.0"].OpType));
        Assert.Equal(("logits", "MatMul", LayerKind.Linear), (byName["fc"].ValueName, byName["fc"].OpType, byName["fc"].Kind));
        Assert.Equal(LayerKind.Output, byName["softmax"].Kind);
        Assert.Equal(layers.OrderBy(l => graph.Producer(l.ValueName)!.Index).Select(l => l.Name), layers.Select(l => l.Name));
    }

    [Fact]
    public void CanName_PlainConvNet_IsFalse()
    {
        var graph = new GraphBuilder("x").Node("Conv", "x", "c1").Node("Relu", "c1", "r1").Node("Conv", "r1", "c2").Build("c2");
        Assert.False(ResNetStructureNaming.Instance.CanName(graph));
        var ex = Assert.Throws<InvalidDataException>(() => ResNetStructureNaming.Instance.FindLayers(graph));
        Assert.Contains("no residual sums", ex.Message);
    }

    /// <summary>A copy of the model with every node and value (except the input) renamed to a meaningless name.</summary>
    private string Strip(string path)
    {
        var model = OnnxModelFile.Load(path);
        var g = model.Graph;
        var keep = g.Input.Select(i => i.Name).Concat(g.Initializer.Select(t => t.Name)).ToHashSet(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Rename(string v) => v.Length == 0 || keep.Contains(v) ? v : names.TryGetValue(v, out var n) ? n : names[v] = $"Value{names.Count + 100}";
        for (int i = 0; i < g.Node.Count; i++)
        {
            var node = g.Node[i];
            node.Name = $"{node.OpType}{i + 200}";
            for (int k = 0; k < node.Input.Count; k++) node.Input[k] = Rename(node.Input[k]);
            for (int k = 0; k < node.Output.Count; k++) node.Output[k] = Rename(node.Output[k]);
        }
        foreach (var v in g.Output.Concat(g.ValueInfo)) v.Name = Rename(v.Name);
        var file = _dir.File(Path.GetFileNameWithoutExtension(path) + "_stripped.onnx");
        File.WriteAllBytes(file, model.ToByteArray());
        return file;
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Hand-built graphs for naming tests (no weights: names other than the input are not data).</summary>
    private sealed class GraphBuilder(string input)
    {
        private readonly GraphProto _graph = new();

        public GraphBuilder Node(string op, string from, string to) => Node(op, new[] { from }, to);

        public GraphBuilder Node(string op, string[] from, string to)
        {
            var node = new NodeProto { OpType = op, Name = $"n{_graph.Node.Count}" };
            node.Input.Add(from);
            node.Output.Add(to);
            _graph.Node.Add(node);
            return this;
        }

        public OnnxGraph Build(string output)
        {
            _graph.Input.Add(new ValueInfoProto { Name = input });
            _graph.Output.Add(new ValueInfoProto { Name = output });
            return new OnnxGraph(new ModelProto { Graph = _graph }, input);
        }
    }
}
