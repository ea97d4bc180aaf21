using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;
using RepLens.Onnx.Extraction;
using RepLens.Onnx.Graph;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

/// <summary>The ML.NET extraction path against PyTorch forward hooks (relative error max|a − b| / max|b| per layer).</summary>
public class ExtractionTests
{
    private static readonly OnnxModelSettings Cnn = new("test", Preprocessing.ImageNet);

    [Fact]
    public void Extract_ResNetEveryLayer_MatchesPyTorch()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        Assert.Equal(68, model.Layers.Count);
        AssertEveryLayerMatchesPyTorch(model, "resnet18_narrow");
    }

    [Fact]
    public void Extract_FoldedBatchNormResNet_MatchesTheBatchNormOutputs()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow_folded.onnx"), Cnn);
        AssertEveryLayerMatchesPyTorch(model, "resnet18_narrow");
    }

    [Fact]
    public void Extract_SameLayerSetInAnotherOrder_GivesTheSameValues()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        var a = model.SelectLayers(new[] { "layer3.0.add", "maxpool" });
        var b = new[] { a[1], a[0] };
        var stimuli = FixtureStimuli(new[] { "scene_tall.png" });
        var x = ReadColumns(model.Extract(stimuli, a, ExtractionOptions.Default), a.Select(l => l.SafeName));
        var y = ReadColumns(model.Extract(stimuli, b, ExtractionOptions.Default), a.Select(l => l.SafeName));
        foreach (var l in a) Assert.Equal(x[l.SafeName][0], y[l.SafeName][0]);
    }

    [Fact]
    public void Extract_LayerAloneOrWithEveryOtherLayer_GivesTheSameBits()
    {
        // The content-addressed cache, resumed runs and sharded runs rely on this: with graph
        // optimisations, ONNX Runtime fused Conv+BatchNorm only where the conv output was not asked
        // for, and the ReLU after it changed in the last bits.
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        var stimuli = FixtureStimuli(new[] { "scene_tall.png", "scene_wide.png" });
        var alone = model.SelectLayers(new[] { "layer1.0.relu", "layer3.1.relu_1" });
        var all = ReadColumns(model.Extract(stimuli, model.Layers, ExtractionOptions.Default), alone.Select(l => l.SafeName));
        var few = ReadColumns(model.Extract(stimuli, alone, ExtractionOptions.Default), alone.Select(l => l.SafeName));
        foreach (var l in alone)
            for (int i = 0; i < 2; i++) Assert.True(all[l.SafeName][i].AsSpan().SequenceEqual(few[l.SafeName][i]), $"{l.Name}, image {i}");
    }

    [Fact]
    public void Extract_OptimizedGraph_AgreesWithTheGraphAsExportedWithinRounding()
    {
        // The opt-in speed-up (ORT's fusions and layouts) changes values only by rounding.
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        var stimuli = FixtureStimuli(new[] { "scene_tall.png", "scene_wide.png" });
        var layers = model.SelectLayers(new[] { "layer1.0.relu", "layer3.1.relu_1", "avgpool" });
        var exact = ReadColumns(model.Extract(stimuli, layers, ExtractionOptions.Default), layers.Select(l => l.SafeName));
        var fast = ReadColumns(model.Extract(stimuli, layers, ExtractionOptions.Default with { OptimizeGraph = true }), layers.Select(l => l.SafeName));
        // The option took effect: the fused graph rounds differently somewhere.
        Assert.Contains(layers, l => Enumerable.Range(0, 2).Any(i => !exact[l.SafeName][i].AsSpan().SequenceEqual(fast[l.SafeName][i])));
        foreach (var l in layers)
            for (int i = 0; i < 2; i++)
            {
                var a = exact[l.SafeName][i];
                var b = fast[l.SafeName][i];
                float scale = a.Max(Math.Abs), worst = 0;
                for (int k = 0; k < a.Length; k++) worst = Math.Max(worst, Math.Abs(a[k] - b[k]));
                Assert.True(scale > 0, $"{l.Name}: all zero");
                Assert.True(worst <= 1e-5f * scale, $"{l.Name}, image {i}: max |exact − optimised| = {worst} (scale {scale})");
            }
    }

    [Fact]
    public void Extract_UndecodableImage_FailsNamingTheImage()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        var view = model.Extract(FixtureStimuli(new[] { "scene_wide.png", "broken_truncated.png" }), model.SelectLayers(new[] { "fc" }), ExtractionOptions.Default);
        var ex = Assert.ThrowsAny<Exception>(() => ReadColumn(view, "fc"));
        var inner = ex;
        while (inner is not InvalidDataException && inner.InnerException is not null) inner = inner.InnerException;
        Assert.IsType<InvalidDataException>(inner);
        Assert.Contains(Image("broken_truncated.png"), inner.Message);
    }

    [Fact]
    public void Extract_MissingImagePathColumn_ThrowsBeforeCompute()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        var data = new Microsoft.ML.MLContext().Data.LoadFromEnumerable(new[] { new IdOnly() });
        var ex = Assert.ThrowsAny<ArgumentException>(() => model.Extract(data, model.Layers, ExtractionOptions.Default));
        Assert.Contains("'ImagePath'", ex.Message);
    }

    [Fact]
    public void Extract_LayerOfAnotherModel_ThrowsNamingIt()
    {
        using var model = OnnxLoadedModel.Open(Model("resnet18_narrow.onnx"), Cnn);
        using var vit = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Cnn);
        var ex = Assert.ThrowsAny<ArgumentException>(() => model.Extract(FixtureStimuli(new[] { "gray.png" }), new[] { vit.Layers[0] }, ExtractionOptions.Default));
        Assert.Contains("conv_proj", ex.Message);
    }

    [Fact]
    public void Extract_AfterDispose_Throws()
    {
        var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Cnn);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Extract(FixtureStimuli(new[] { "gray.png" }), model.Layers, ExtractionOptions.Default));
    }

    [Fact]
    public void Extract_GpuAskedWithCpuRuntime_FailsWithAClearMessageOrFallsBack()
    {
        using var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Cnn);
        var stimuli = FixtureStimuli(new[] { "gray.png" });
        var cpu = ReadColumn(model.Extract(stimuli, model.Layers, ExtractionOptions.Default), model.Layers[0].SafeName);
        var fallback = ReadColumn(model.Extract(stimuli, model.Layers, new ExtractionOptions(GpuDeviceId: 0, FallbackToCpu: true)), model.Layers[0].SafeName);
        Assert.Equal(cpu[0], fallback[0], new FloatTolerance(1e-5f));
        if (Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider")) return;
        var ex = Assert.Throws<InvalidOperationException>(() => model.Extract(stimuli, model.Layers, new ExtractionOptions(GpuDeviceId: 0, FallbackToCpu: false)));
        Assert.Contains("CUDA", ex.Message);
        Assert.Contains("OnnxRuntimeFlavor=gpu", ex.Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }

    [Fact]
    public void Build_OutputNameOfAnExistingValue_RenamesThatValue()
    {
        // Output "/relu/Relu_output_0" carries conv1 here, so the network's own value of that name is renamed.
        var network = OnnxNetwork.Load(Model("resnet18_narrow.onnx"));
        var shape = new long[] { 1, 8, 32, 32 };
        var plans = new[]
        {
            new LayerOutputPlan("/relu/Relu_output_0", "/conv1/Conv_output_0", TensorTypes.Float, shape, TokenPooling.All, -1, 1),
            new LayerOutputPlan("relu", "/relu/Relu_output_0", TensorTypes.Float, shape, TokenPooling.All, -1, 1),
        };
        var (bytes, input) = ExtractionGraphBuilder.Build(network, 64, 64, Preprocessing.ImageNet, plans);
        using var session = new InferenceSession(bytes);
        var pixels = Enumerable.Range(0, 3 * 64 * 64).Select(i => (float)(i * 7 % 256)).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(pixels, new long[] { 1, 3, 64, 64 });
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { input }, new[] { value }, new[] { "/relu/Relu_output_0", "relu" });
        var conv = results[0].GetTensorDataAsSpan<float>().ToArray();
        var relu = results[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Contains(conv, v => v < 0);
        Assert.All(relu, v => Assert.True(v >= 0));
    }

    private sealed class IdOnly
    {
        public string Id { get; set; } = "a";
    }
}
