using RepLens.Abstractions;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

public class LayerSelectorTests : IClassFixture<LayerSelectorTests.ResNetModel>
{
    private readonly ILoadedModel _model;

    public LayerSelectorTests(ResNetModel fixture) => _model = fixture.Model;

    [Fact]
    public void SelectLayers_Glob_MatchesFullNames()
    {
        var names = _model.SelectLayers(new[] { "layer*.relu" }).Select(l => l.Name).ToList();
        Assert.Equal(8, names.Count);
        Assert.All(names, n => Assert.Matches(@"^layer\d\.\d\.relu$", n));
    }

    [Fact]
    public void SelectLayers_OpFilter_IsCaseInsensitive()
    {
        Assert.Equal(17, _model.SelectLayers(new[] { "op:relu" }).Count);
        Assert.Equal(8, _model.SelectLayers(new[] { "op:Add" }).Count);
        Assert.Equal(8, _model.SelectLayers(new[] { "kind:residual" }).Count);
    }

    [Fact]
    public void SelectLayers_Several_AreUnitedInTopologicalOrder()
    {
        var layers = _model.SelectLayers(new[] { "fc", "conv1", "op:Relu", "relu" });
        Assert.Equal(19, layers.Count);
        Assert.Equal(layers.OrderBy(l => l.Depth), layers);
        Assert.Equal("conv1", layers[0].Name);
        Assert.Equal("fc", layers[^1].Name);
    }

    [Fact]
    public void SelectLayers_NetworkName_Works()
    {
        var layer = Assert.Single(_model.SelectLayers(new[] { "/layer1/layer1.0/relu/Relu_output_0" }));
        Assert.Equal("layer1.0.relu", layer.Name);
        Assert.Equal(5, _model.SelectLayers(new[] { "/layer2/*" }).Count(l => l.OpType == "Conv"));
    }

    [Fact]
    public void SelectLayers_All_IsEveryLayer() => Assert.Equal(_model.Layers, _model.SelectLayers(new[] { "ALL" }));

    [Fact]
    public void SelectLayers_UnknownName_ListsNearestNames()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => _model.SelectLayers(new[] { "layer1.0.rleu" }));
        Assert.Contains("no layer named 'layer1.0.rleu'", ex.Message);
        Assert.Contains("'layer1.0.relu'", ex.Message);
        Assert.Contains(_model.Name, ex.Message);
    }

    [Fact]
    public void SelectLayers_SeveralProblems_AreReportedTogether()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => _model.SelectLayers(new[] { "op:Gelu", "layer9.*", "avgpool", "fcc" }));
        Assert.Contains("'op:Gelu' matches no layer; the op types present are: Add, BatchNormalization, Conv, Gemm", ex.Message);
        Assert.Contains("pattern 'layer9.*' matches no layer", ex.Message);
        Assert.Contains("no layer named 'fcc'; nearest names: 'fc'", ex.Message);
        Assert.DoesNotContain("'avgpool'", ex.Message.Split('\n')[0]);
    }

    [Fact]
    public void SelectLayers_Nothing_Throws() => Assert.ThrowsAny<ArgumentException>(() => _model.SelectLayers(Array.Empty<string>()));

    public sealed class ResNetModel : IDisposable
    {
        public ILoadedModel Model { get; } = OnnxLoadedModel.Open(OnnxFixtures.Model("resnet18_narrow.onnx"), new OnnxModelSettings("test", Preprocessing.ImageNet));

        public void Dispose() => Model.Dispose();
    }
}
