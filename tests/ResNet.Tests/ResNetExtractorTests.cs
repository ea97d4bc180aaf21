using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Onnx.Tests;
using RepLens.Plugins.ResNet;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.ResNet.Tests;

public class ResNetExtractorTests
{
    private static ModelRequest Request(string file, string name = "r18") => new(name, null, Model(file), PluginOptions.Empty);

    [Fact]
    public void ConfigureServices_RegistersTheResnetExtractor()
    {
        var services = new ServiceCollection();
        new ResNetPlugin().ConfigureServices(services);
        var registration = Assert.Single(services.Select(d => d.ImplementationInstance).OfType<ExtensionRegistration>());
        Assert.Equal((ExtensionKind.ModelExtractor, "resnet", typeof(ResNetExtractor)), (registration.Kind, registration.Id, registration.ImplementationType));
    }

    [Fact]
    public void Manifest_NamesTheExtractorAndTheContract()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "plugins", "ResNet", "plugin.json")));
        Assert.Equal("resnet", doc.RootElement.GetProperty("id").GetString());
        Assert.Equal("1.0.0", doc.RootElement.GetProperty("contractVersion").GetString());
        Assert.Contains("10.1109/CVPR.2016.90", doc.RootElement.GetProperty("citation").GetString());
    }

    [Fact]
    public void Conformance_NarrowResNet18_Passes() =>
        ExtractorConformance.Check(new ResNetExtractor(), Request("resnet18_narrow.onnx"),
            new[] { Image("scene_wide.png"), Image("rgba.png"), Image("cmyk.jpg") });

    [Fact]
    public void Extract_EveryLayer_MatchesPyTorchForwardHooks()
    {
        using var model = new ResNetExtractor().Open(Request("resnet18_narrow.onnx"));
        Assert.Equal("resnet", model.Family);
        Assert.Equal((73, 64), (model.Preprocessing.ResizeShorterSide, model.Preprocessing.CropHeight));
        AssertEveryLayerMatchesPyTorch(model, "resnet18_narrow");
    }

    [Fact]
    public void Extract_FoldedBatchNormExport_MatchesTheBatchNormOutputs()
    {
        using var model = new ResNetExtractor().Open(Request("resnet18_narrow_folded.onnx"));
        AssertEveryLayerMatchesPyTorch(model, "resnet18_narrow");
    }

    [Fact]
    public void Open_QuickstartNetwork_ListsTheResNetLayersAt112Pixels()
    {
        var path = Path.Combine(Repo.Root, "examples", "quickstart", "models", "tiny_cnn.onnx");
        using var model = new ResNetExtractor().Open(new ModelRequest("tiny", null, path, PluginOptions.Empty));
        Assert.Equal((128, 112, 112), (model.Preprocessing.ResizeShorterSide, model.Preprocessing.CropHeight, model.Preprocessing.CropWidth));
        Assert.Equal(17, model.SelectLayers(new[] { "op:Relu" }).Count);
        Assert.Equal(new[] { 128, 1, 1 }, model.SelectLayers(new[] { "avgpool" })[0].Shape);
        Assert.Equal(new[] { 1000 }, model.SelectLayers(new[] { "fc" })[0].Shape);
    }

    [Fact]
    public void Open_UnknownBuiltInName_IsRefusedNamingTheBuiltInModels()
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => new ResNetExtractor().Open(new ModelRequest("x", "resnet50-imagenet", null, PluginOptions.Empty)));
        Assert.Contains("resnet50-imagenet", ex.Message);
        Assert.Contains("resnet18-imagenet", ex.Message);
    }

    [Fact]
    public void Open_TokenOption_IsUnknownForResNet()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{ "tokens": "cls" }""");
        var options = new PluginOptions(doc.RootElement.Clone(), "$.models[1].options", Repo.Root);
        var ex = Assert.Throws<ConfigurationErrorException>(() => new ResNetExtractor().Open(new ModelRequest("x", null, Model("resnet18_narrow.onnx"), options)));
        Assert.Equal("$.models[1].options.tokens", ex.Path);
    }
}
