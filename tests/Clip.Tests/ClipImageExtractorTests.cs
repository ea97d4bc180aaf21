using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Onnx.Tests;
using RepLens.Plugins.Clip;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Clip.Tests;

public class ClipImageExtractorTests
{
    private const string Reference = "clip_vit_tiny";

    private static ModelRequest Request(string file = "clip_vit_tiny.onnx", string? optionsJson = null)
    {
        var options = PluginOptions.Empty;
        if (optionsJson is not null)
        {
            using var doc = JsonDocument.Parse(optionsJson);
            options = new PluginOptions(doc.RootElement.Clone(), "$.models[0].options", Repo.Root);
        }
        return new ModelRequest("clip", null, Model(file), options);
    }

    [Fact]
    public void ConfigureServices_RegistersTheClipExtractor()
    {
        var services = new ServiceCollection();
        new ClipPlugin().ConfigureServices(services);
        var registration = Assert.Single(services.Select(d => d.ImplementationInstance).OfType<ExtensionRegistration>(), r => r.Kind == ExtensionKind.ModelExtractor);
        Assert.Equal(("clip", typeof(ClipImageExtractor)), (registration.Id, registration.ImplementationType));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "plugins", "Clip", "plugin.json")));
        Assert.Contains("2103.00020", manifest.RootElement.GetProperty("citation").GetString());
    }

    [Fact]
    public void Open_ClipExport_UsesClipPreprocessing()
    {
        using var model = new ClipImageExtractor().Open(Request());
        var p = model.Preprocessing;
        Assert.Equal((64, 64, ResizeInterpolation.Bicubic), (p.ResizeShorterSide, p.CropHeight, p.Interpolation));
        Assert.Equal(Preprocessing.Clip.Mean, p.Mean);
        Assert.Equal(Preprocessing.Clip.Std, p.Std);
    }

    [Fact]
    public void Conformance_TinyClipVisionEncoder_Passes() =>
        ExtractorConformance.Check(new ClipImageExtractor(), Request(), new[] { Image("scene_small.png"), Image("deep16_gray.png") });

    [Fact]
    public void Extract_EveryLayer_MatchesPyTorchForwardHooks()
    {
        using var model = new ClipImageExtractor().Open(Request());
        AssertEveryLayerMatchesPyTorch(model, Reference);
    }

    [Fact]
    public void Extract_SequenceFirstTokenLayer_ClassTokenIsTheFirstToken()
    {
        using var model = new ClipImageExtractor().Open(Request(optionsJson: """{ "tokens": "cls" }"""));
        var layer = model.SelectLayers(new[] { "transformer.resblocks.1.attn" })[0];
        Assert.Equal(new[] { 32 }, layer.Shape);
        var rows = ReadColumn(model.Extract(FixtureStimuli(ActivationImageNames), new[] { layer }, ExtractionOptions.Default), layer.SafeName);
        var all = Npy.Load(Activation(Reference, layer.Name));
        int t = all.Shape[1], d = all.Shape[2];
        var values = all.Floats();
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < d; k++)
                Assert.Equal(values[i * t * d + k], rows[i][k], 1e-5f);
    }

    [Fact]
    public void Extract_Float16Export_RunsAndGivesFloat32CloseToFloat32Model()
    {
        using var half = new ClipImageExtractor().Open(Request("clip_vit_tiny_fp16.onnx"));
        Assert.Equal("float16", ((RepLens.Onnx.OnnxLoadedModel)half).ImageInput.ElementType);
        using var single = new ClipImageExtractor().Open(Request());
        Assert.Equal(single.Layers.Select(l => l.Name), half.Layers.Select(l => l.Name));
        Assert.NotEqual(single.Fingerprint, half.Fingerprint);
        AssertEveryLayerMatchesPyTorch(half, Reference, tolerance: 5e-3); // measured 1.05e-3 (float16 weights and arithmetic)
    }
}
