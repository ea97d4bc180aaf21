using RepLens.Abstractions;
using RepLens.Onnx.Layers;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

public class LayerNamingTests
{
    private static readonly OnnxModelSettings Cnn = new("test", Preprocessing.ImageNet);
    private static readonly OnnxModelSettings Transformer = new("test", Preprocessing.ImageNet, SupportsTokenPooling: true);

    [Theory]
    [InlineData("/layer1/layer1.0/relu", "layer1.0.relu")]
    [InlineData("/layer2/layer2.0/downsample/downsample.0", "layer2.0.downsample.0")]
    [InlineData("/encoder/layers/encoder_layer_0/mlp/mlp.0", "encoder.layers.encoder_layer_0.mlp.0")]
    [InlineData("/conv1", "conv1")]
    [InlineData("", "")]
    public void ModulePath_ExporterScope_GivesModulePath(string scope, string expected) =>
        Assert.Equal(expected, ModulePathNaming.ModulePath(scope));

    [Fact]
    public void Layers_ResNetExport_AreTheModulePathsWithPyTorchReferences()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        Assert.Equal("module-path", model.Naming.Id);
        var expected = Directory.GetFiles(Repo.Fixture("onnx", "activations", "resnet18_narrow"), "*.npy").Select(Path.GetFileNameWithoutExtension).Order();
        Assert.Equal(expected, model.Layers.Select(l => l.Name).Order());

        var byName = model.Layers.ToDictionary(l => l.Name);
        Assert.Equal(("Conv", LayerKind.Convolution), (byName["conv1"].OpType, byName["conv1"].Kind));
        Assert.Equal(("BatchNormalization", LayerKind.Normalization), (byName["bn1"].OpType, byName["bn1"].Kind));
        Assert.Equal("/layer1/layer1.0/relu/Relu_output_0", byName["layer1.0.relu"].NetworkName);
        Assert.Equal(("Relu", LayerKind.Activation), (byName["layer1.0.relu_1"].OpType, byName["layer1.0.relu_1"].Kind));
        Assert.Equal(("Add", LayerKind.Residual), (byName["layer2.0.add"].OpType, byName["layer2.0.add"].Kind));
        Assert.Equal(LayerKind.Output, byName["fc"].Kind);
        Assert.Equal(new[] { 8, 32, 32 }, byName["conv1"].Shape);
        Assert.Equal(new[] { 64, 1, 1 }, byName["avgpool"].Shape);
        Assert.Equal(new[] { 10 }, byName["fc"].Shape);
        Assert.True(byName["layer1.0.relu"].Depth < byName["layer1.0.add"].Depth);
        Assert.True(byName["layer1.0.add"].Depth < byName["layer1.0.relu_1"].Depth);
    }

    [Fact]
    public void Layers_FoldedBatchNormExport_AreNamedAfterTheBatchNorm()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow_folded.onnx"), Cnn);
        var names = model.Layers.Select(l => l.Name).ToHashSet();
        Assert.Contains("bn1", names);
        Assert.Contains("layer2.0.downsample.1", names);
        Assert.DoesNotContain("conv1", names);
        Assert.DoesNotContain("layer1.0.conv2", names);
        Assert.Equal("Conv", model.Layers.Single(l => l.Name == "bn1").OpType);
    }

    [Fact]
    public void Layers_VitExport_NameCompositeModulesByWhatTheyDo()
    {
        using var model = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Transformer);
        var byName = model.Layers.ToDictionary(l => l.Name);
        const string block = "encoder.layers.encoder_layer_0";
        Assert.Equal(("LayerNormalization", LayerKind.Normalization), (byName[$"{block}.ln_1"].OpType, byName[$"{block}.ln_1"].Kind));
        Assert.Equal(("Attention", LayerKind.Attention), (byName[$"{block}.self_attention"].OpType, byName[$"{block}.self_attention"].Kind));
        Assert.Equal(("MatMul", LayerKind.Linear), (byName[$"{block}.mlp.0"].OpType, byName[$"{block}.mlp.0"].Kind));
        Assert.Equal(("Gelu", LayerKind.Activation), (byName[$"{block}.mlp.1"].OpType, byName[$"{block}.mlp.1"].Kind));
        Assert.Equal(LayerKind.Residual, byName[$"{block}.add"].Kind);
        Assert.Equal(LayerKind.Residual, byName[$"{block}.add_1"].Kind);
        Assert.Equal(new[] { 17, 32 }, byName[$"{block}.self_attention"].Shape);
        Assert.Equal(new[] { 17, 64 }, byName[$"{block}.mlp.1"].Shape);
        var expected = Directory.GetFiles(Repo.Fixture("onnx", "activations", "vit_narrow"), "*.npy").Select(Path.GetFileNameWithoutExtension).Order();
        Assert.Equal(expected, model.Layers.Select(l => l.Name).Order());
    }

    [Fact]
    public void Layers_ClipExport_QuickGeluAndSequenceFirstTokens()
    {
        using var model = OnnxLoadedModel.Open(Model("clip_vit_tiny.onnx"), Transformer);
        var byName = model.Layers.ToDictionary(l => l.Name);
        Assert.Equal("QuickGelu", byName["transformer.resblocks.0.mlp.gelu"].OpType);
        Assert.Equal(new[] { 17, 32 }, byName["transformer.resblocks.0.attn"].Shape);
        Assert.Equal(new[] { 16 }, byName.Values.Single(l => l.Kind == LayerKind.Output).Shape);
    }

    [Fact]
    public void Layers_NodeNameNaming_UsesNodeNames()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn, ModelFileTests.Options("""{ "naming": "node-name" }"""));
        Assert.Equal("node-name", model.Naming.Id);
        Assert.Contains(model.Layers, l => l.Name == "/layer1/layer1.0/relu/Relu");
        Assert.DoesNotContain(model.Layers, l => l.OpType == "Flatten");
    }
}
