using RepLens.Imaging;
using RepLens.Abstractions;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

public class ModelFileTests
{
    private static readonly OnnxModelSettings Settings = new("test", Preprocessing.ImageNet);

    [Fact]
    public void Open_FileThatIsNotOnnx_ThrowsNamingTheFile()
    {
        var path = Model("not_onnx.onnx");
        var ex = Assert.Throws<InvalidDataException>(() => OnnxLoadedModel.Open(path, Settings));
        Assert.Contains(path, ex.Message);
        Assert.Contains("ONNX", ex.Message);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.5)]
    [InlineData(0.98)]
    [InlineData(0.9999)]
    public void Open_TruncatedFile_ThrowsNamingTheFile(double fraction)
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Model("resnet18_narrow.onnx"));
        var path = dir.File("truncated.onnx");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
        var ex = Assert.Throws<InvalidDataException>(() => OnnxLoadedModel.Open(path, Settings));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Open_EmptyFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.onnx");
        File.WriteAllBytes(path, Array.Empty<byte>());
        var ex = Assert.Throws<InvalidDataException>(() => OnnxLoadedModel.Open(path, Settings));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxLoadedModel.Open("/nonexistent/model.onnx", Settings));
        Assert.Contains("/nonexistent/model.onnx", ex.Message);
    }

    [Fact]
    public void Open_TokenInputModel_ThrowsNotAnImageTensor()
    {
        var path = Model("text_input.onnx");
        var ex = Assert.Throws<InvalidDataException>(() => OnnxLoadedModel.Open(path, Settings));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'tokens' (int64 [batch, 8])", ex.Message);
        Assert.Contains("N×3×H×W", ex.Message);
    }

    [Fact]
    public void Open_SingleChannelInputModel_ThrowsNotAnImageTensor()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxLoadedModel.Open(Model("gray_input.onnx"), Settings));
        Assert.Contains("[1, 1, 16, 16]", ex.Message);
        Assert.Contains("N×3×H×W", ex.Message);
    }

    [Fact]
    public void Open_ExternalData_ReadsTheWeights()
    {
        using var inline = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Settings);
        using var external = OnnxLoadedModel.Open(Model("identity_rgb_external.onnx"), Settings);
        var images = new[] { Image("scene_wide.png") };
        var a = ReadColumn(inline.Extract(Stimuli(images), inline.Layers, ExtractionOptions.Default), inline.Layers[0].SafeName);
        var b = ReadColumn(external.Extract(Stimuli(images), external.Layers, ExtractionOptions.Default), external.Layers[0].SafeName);
        Assert.Equal(a[0], b[0]);
        Assert.NotEqual(inline.Fingerprint, external.Fingerprint);
    }

    [Fact]
    public void Open_ExternalDataFileMissing_ThrowsNamingIt()
    {
        using var dir = new TempDir();
        var path = dir.File("identity_rgb_external.onnx");
        File.Copy(Model("identity_rgb_external.onnx"), path);
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxLoadedModel.Open(path, Settings));
        Assert.Contains("identity_rgb_external.onnx.data", ex.Message);
    }

    [Fact]
    public void Open_OldExport_Opset8IrVersion3FlatNames_ExtractsLikeTheModernOne()
    {
        using var modern = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Settings, Options("""{ "crop": 64 }"""));
        using var old = OnnxLoadedModel.Open(Model("identity_rgb_opset8.onnx"), Settings);
        Assert.Equal(modern.Preprocessing.ToString(), old.Preprocessing.ToString());
        Assert.Equal("node-name", old.Naming.Id);
        var layer = Assert.Single(old.Layers);
        Assert.Equal(("Convolution5", "Conv", LayerKind.Output), (layer.Name, layer.OpType, layer.Kind));
        Assert.Equal((64, 64), (old.Preprocessing.CropHeight, old.Preprocessing.CropWidth));
        var images = new[] { Image("scene_tall.png") };
        var a = ReadColumn(modern.Extract(Stimuli(images), modern.Layers, ExtractionOptions.Default), modern.Layers[0].SafeName);
        var b = ReadColumn(old.Extract(Stimuli(images), old.Layers, ExtractionOptions.Default), layer.SafeName);
        Assert.Equal(a[0], b[0]);
    }

    [Fact]
    public void Extract_InputAdapter_RunsBetweenPreprocessingAndNetwork()
    {
        // A CNTK/Caffe-style input: RGB -> BGR and a mean image subtracted, on the 0-255 scale.
        var settings = new OnnxModelSettings("test", Preprocessing.ImageNet with { PixelScale = 1f, Mean = new[] { 0f, 0f, 0f }, Std = new[] { 1f, 1f, 1f } },
            InputAdapterPath: Model("bgr_mean_adapter.onnx"));
        using var model = OnnxLoadedModel.Open(Model("identity_rgb_opset8.onnx"), settings);
        using var plain = OnnxLoadedModel.Open(Model("identity_rgb_opset8.onnx"), settings with { InputAdapterPath = null });
        Assert.NotEqual(plain.Fingerprint, model.Fingerprint);
        var row = ReadColumn(model.Extract(Stimuli(new[] { Image("rgba.png") }), model.Layers, ExtractionOptions.Default), model.Layers[0].SafeName)[0];
        var crop = RepLens.Imaging.TorchvisionResize.ResizeAndCenterCrop(RepLens.Imaging.ImageDecoder.Decode(Image("rgba.png")), 73, 64, 64, ResizeInterpolation.Bilinear);
        var mean = Npy.Load(Model("bgr_mean_adapter.mean.npy")).Floats();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 64 * 64; i++)
                Assert.Equal(crop.Pixels[i * 3 + 2 - c] - mean[c * 4096 + i], row[c * 4096 + i], 1e-4f);
    }

    [Fact]
    public void Open_SameModelTwice_SameFingerprint_OtherPreprocessing_OtherFingerprint()
    {
        using var a = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Settings);
        using var b = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Settings);
        using var c = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Settings, Options("""{ "interpolation": "bicubic" }"""));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
    }

    [Fact]
    public void Open_UnknownOption_ThrowsWithItsPath()
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Settings, Options("""{ "tokens": "cls" }""")));
        Assert.Equal("$.models[0].options.tokens", ex.Path);
    }

    internal static PluginOptions Options(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return new PluginOptions(doc.RootElement.Clone(), "$.models[0].options", Repo.Root);
    }
}
