using RepLens.Abstractions;
using RepLens.Onnx.Graph;
using Xunit;

namespace RepLens.Onnx.Tests;

public class PreprocessingResolverTests
{
    private static readonly OnnxImageInput Dynamic = new("image", "float", null, null);
    private static readonly OnnxImageInput Fixed64 = new("image", "float", 64, 64);

    [Fact]
    public void Resolve_NothingGiven_IsTheFamilyDefault() =>
        Assert.Equal(Preprocessing.ImageNet.ToString(), PreprocessingResolver.Resolve(Preprocessing.ImageNet, Dynamic, null, PluginOptions.Empty).ToString());

    [Fact]
    public void Resolve_FixedInput_CropsToItAndKeepsTheResizeRatio()
    {
        var p = PreprocessingResolver.Resolve(Preprocessing.ImageNet, Fixed64, null, PluginOptions.Empty);
        Assert.Equal((73, 64, 64), (p.ResizeShorterSide, p.CropHeight, p.CropWidth));
        var clip = PreprocessingResolver.Resolve(Preprocessing.Clip, new OnnxImageInput("x", "float", 336, 336), null, PluginOptions.Empty);
        Assert.Equal((336, 336), (clip.ResizeShorterSide, clip.CropHeight));
    }

    [Fact]
    public void Resolve_OptionsOverrideMetadataOverrideDefault()
    {
        var metadata = ModelFileTests.Options("""{ "resize": 242, "interpolation": "bicubic", "mean": [0.5, 0.5, 0.5] }""");
        var options = ModelFileTests.Options("""{ "interpolation": "bilinear" }""");
        var p = PreprocessingResolver.Resolve(Preprocessing.ImageNet, Dynamic, metadata, options);
        Assert.Equal(242, p.ResizeShorterSide);
        Assert.Equal(ResizeInterpolation.Bilinear, p.Interpolation);
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f }, p.Mean);
        Assert.Equal(Preprocessing.ImageNet.Std, p.Std);
    }

    [Fact]
    public void Resolve_CropConflictsWithFixedInput_Throws()
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() =>
            PreprocessingResolver.Resolve(Preprocessing.ImageNet, Fixed64, null, ModelFileTests.Options("""{ "crop": 224 }""")));
        Assert.Equal("$.models[0].options.crop", ex.Path);
        Assert.Contains("64×64", ex.Message);
    }

    [Theory]
    [InlineData("""{ "mean": [0.5, 0.5] }""", "mean")]
    [InlineData("""{ "std": [1, 0, 1] }""", "std")]
    [InlineData("""{ "crop": [0, 4] }""", "crop")]
    [InlineData("""{ "interpolation": "nearest" }""", "interpolation")]
    public void Resolve_BadValue_ThrowsWithItsPath(string json, string key)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() =>
            PreprocessingResolver.Resolve(Preprocessing.ImageNet, Dynamic, null, ModelFileTests.Options(json)));
        Assert.Equal("$.models[0].options." + key, ex.Path);
    }
}
