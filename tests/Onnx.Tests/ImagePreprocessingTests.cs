using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Onnx.Images;
using RepLens.Imaging;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

/// <summary>Decoding, resizing and normalisation against PIL and torchvision references.</summary>
public class ImagePreprocessingTests
{
    public static TheoryData<string> GoodImages()
    {
        var data = new TheoryData<string>();
        foreach (var name in ImageNames) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(GoodImages))]
    public void Decode_FixtureImage_MatchesPilConvertRgbExactly(string name)
    {
        var expected = Npy.Load(Repo.Fixture("onnx", "decoded", name + ".npy"));
        var image = ImageDecoder.Decode(Image(name));
        Assert.Equal(new[] { image.Height, image.Width, 3 }, expected.Shape);
        Assert.Equal(expected.Data, image.Pixels);
    }

    [Theory]
    [InlineData("broken_truncated.png", "truncated")]
    [InlineData("broken_text.png", "cannot be decoded")]
    public void Decode_BadFile_ThrowsNamingIt(string name, string reason)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(Image(name)));
        Assert.Contains(Image(name), ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void FindProblems_ListsEveryBadImageInOrder()
    {
        var paths = new[] { Image("scene_wide.png"), Image("broken_text.png"), Image("cmyk.jpg"), "/nonexistent/x.png", Image("broken_truncated.png") };
        var problems = ImageValidator.FindProblems(paths);
        Assert.Equal(new[] { 1, 3, 4 }, problems.Select(p => p.Index));
        Assert.All(problems, p => Assert.Contains(p.Path, p.Message));
    }

    [Fact]
    public void Resize_RandomImages_MatchesPilExactly()
    {
        var cases = JsonDocument.Parse(File.ReadAllText(Repo.Fixture("onnx", "preprocess", "resize_cases.json"))).RootElement;
        var blob = File.ReadAllBytes(Repo.Fixture("onnx", "preprocess", "resize_cases.bin"));
        int offset = 0, count = 0;
        foreach (var c in cases.EnumerateArray())
        {
            int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
            int nw = c.GetProperty("newWidth").GetInt32(), nh = c.GetProperty("newHeight").GetInt32();
            var interpolation = EnumNames.Parse<ResizeInterpolation>(c.GetProperty("interpolation").GetString(), "case");
            var source = new RgbImage(w, h, blob[offset..(offset + w * h * 3)]);
            offset += w * h * 3;
            var expected = blob[offset..(offset + nw * nh * 3)];
            offset += nw * nh * 3;
            var actual = TorchvisionResize.Resize(source, nw, nh, interpolation);
            Assert.True(expected.AsSpan().SequenceEqual(actual.Pixels), $"case {count}: {w}×{h} → {nw}×{nh} {interpolation} differs from PIL");
            count++;
        }
        Assert.Equal(blob.Length, offset);
        Assert.True(count >= 100);
    }

    public static TheoryData<string, string> CropCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Repo.Fixture("onnx", "preprocess"), "*.*_*.npy"))
        {
            var parts = Path.GetFileName(file).Split('.');
            data.Add(parts[0] + "." + parts[1], parts[2]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CropCases))]
    public void ResizeAndCenterCrop_FixtureImage_MatchesTorchvisionExactly(string image, string caseName)
    {
        // bilinear73_64 = Resize(73, bilinear) + CenterCrop(64), and so on.
        var kind = caseName.StartsWith("bilinear", StringComparison.Ordinal) ? ResizeInterpolation.Bilinear : ResizeInterpolation.Bicubic;
        var sizes = caseName[(kind == ResizeInterpolation.Bilinear ? 8 : 7)..].Split('_').Select(int.Parse).ToArray();
        var expected = Npy.Load(Repo.Fixture("onnx", "preprocess", $"{image}.{caseName}.npy"));
        var actual = TorchvisionResize.ResizeAndCenterCrop(ImageDecoder.Decode(Image(image)), sizes[0], sizes[1], sizes[1], kind);
        Assert.Equal(expected.Data, actual.Pixels);
    }

    [Theory]
    [InlineData(500, 375, 256, 341, 256)]
    [InlineData(375, 500, 256, 256, 341)]
    [InlineData(224, 224, 256, 256, 256)]
    [InlineData(640, 427, 224, 335, 224)]
    public void ResizedSize_FollowsTorchvision(int w, int h, int size, int ew, int eh) =>
        Assert.Equal((ew, eh), TorchvisionResize.ResizedSize(w, h, size));

    [Theory]
    [InlineData("imagenet64", "{}", 1e-6)]
    [InlineData("clip64", """{ "resize": 64, "interpolation": "bicubic", "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711] }""", 1e-6)]
    public void Pipeline_IdentityNetwork_GivesTorchvisionsNormalisedTensor(string reference, string options, double tolerance)
    {
        // identity_rgb.onnx is a 1×1 convolution with identity weights: its output is the network input.
        var settings = new OnnxModelSettings("test", Preprocessing.ImageNet with { ResizeShorterSide = 73, CropHeight = 64, CropWidth = 64 });
        using var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), settings, ModelFileTests.Options(options));
        var expected = Npy.Load(Repo.Fixture("onnx", "preprocess", reference + ".npy"));
        var rows = ReadColumn(model.Extract(FixtureStimuli(ImageNames), model.Layers, ExtractionOptions.Default), model.Layers[0].SafeName);
        Assert.Equal(ImageNames.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var want = expected.Row(i);
            double max = 0;
            for (int j = 0; j < want.Length; j++) max = Math.Max(max, Math.Abs(want[j] - rows[i][j]));
            Assert.True(max <= tolerance, $"{ImageNames[i]}: max |difference| {max:E2} from torchvision's tensor");
        }
    }
}
