using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Onnx.Tests;
using RepLens.Plugins.ViT;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.ViT.Tests;

public class ViTExtractorTests
{
    private const string Reference = "vit_narrow";
    private const string Block = "encoder.layers.encoder_layer_1";

    private static ModelRequest Request(string? optionsJson = null)
    {
        var options = PluginOptions.Empty;
        if (optionsJson is not null)
        {
            using var doc = JsonDocument.Parse(optionsJson);
            options = new PluginOptions(doc.RootElement.Clone(), "$.models[0].options", Repo.Root);
        }
        return new ModelRequest("vit", null, Model("vit_narrow.onnx"), options);
    }

    [Fact]
    public void ConfigureServices_RegistersTheVitExtractor()
    {
        var services = new ServiceCollection();
        new ViTPlugin().ConfigureServices(services);
        var registration = Assert.Single(services.Select(d => d.ImplementationInstance).OfType<ExtensionRegistration>());
        Assert.Equal(("vit", typeof(ViTExtractor)), (registration.Id, registration.ImplementationType));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "plugins", "ViT", "plugin.json")));
        Assert.Equal("vit", manifest.RootElement.GetProperty("id").GetString());
        Assert.Contains("2010.11929", manifest.RootElement.GetProperty("citation").GetString());
    }

    [Fact]
    public void Conformance_NarrowViT_Passes() =>
        ExtractorConformance.Check(new ViTExtractor(), Request(), new[] { Image("scene_tall.png"), Image("deep16.png") });

    [Fact]
    public void Extract_EveryLayerAllTokens_MatchesPyTorchForwardHooks()
    {
        using var model = new ViTExtractor().Open(Request());
        Assert.Equal(new[] { 17, 32 }, model.SelectLayers(new[] { $"{Block}.add_1" })[0].Shape);
        AssertEveryLayerMatchesPyTorch(model, Reference);
    }

    [Fact]
    public void Extract_ClassToken_IsTheFirstTokenOfEveryTokenLayer()
    {
        using var model = new ViTExtractor().Open(Request("""{ "tokens": "cls" }"""));
        var tokenLayers = model.Layers.Where(l => l.Shape.Count == 1 && l.Shape[0] != 10).ToList();
        Assert.Contains(tokenLayers, l => l.Name == $"{Block}.mlp.1" && l.Shape[0] == 64);
        Assert.Equal(new[] { 32, 4, 4 }, model.SelectLayers(new[] { "conv_proj" })[0].Shape);
        var columns = ReadColumns(model.Extract(FixtureStimuli(ActivationImageNames), tokenLayers, ExtractionOptions.Default), tokenLayers.Select(l => l.SafeName));
        foreach (var layer in tokenLayers.Where(l => l.Name != "gather_4"))
        {
            var all = Npy.Load(Activation(Reference, layer.Name));
            AssertClose(columns[layer.SafeName], Pool(all, first: true), layer.Name);
        }
    }

    [Fact]
    public void Extract_MeanOverPatches_LeavesTheClassTokenOut()
    {
        using var model = new ViTExtractor().Open(Request("""{ "tokens": "mean" }"""));
        var layer = model.SelectLayers(new[] { $"{Block}.self_attention" })[0];
        Assert.Equal(new[] { 32 }, layer.Shape);
        var rows = ReadColumn(model.Extract(FixtureStimuli(ActivationImageNames), new[] { layer }, ExtractionOptions.Default), layer.SafeName);
        AssertClose(rows, Pool(Npy.Load(Activation(Reference, layer.Name)), first: false), layer.Name);
    }

    [Fact]
    public void Open_LayerTokens_SetPoolingPerLayer()
    {
        using var model = new ViTExtractor().Open(Request("""{ "tokens": "all", "layerTokens": { "*.mlp.1": "mean", "encoder.ln": "cls" } }"""));
        var byName = model.Layers.ToDictionary(l => l.Name);
        Assert.Equal(new[] { 64 }, byName[$"{Block}.mlp.1"].Shape);
        Assert.Equal(new[] { 32 }, byName["encoder.ln"].Shape);
        Assert.Equal(new[] { 17, 32 }, byName[$"{Block}.ln_2"].Shape);
    }

    [Fact]
    public void Open_PoolingChangesTheFingerprint()
    {
        using var all = new ViTExtractor().Open(Request());
        using var cls = new ViTExtractor().Open(Request("""{ "tokens": "cls" }"""));
        Assert.NotEqual(all.Fingerprint, cls.Fingerprint);
    }

    [Theory]
    [InlineData("""{ "tokens": "first" }""", "$.models[0].options.tokens", "all, cls, mean")]
    [InlineData("""{ "layerTokens": { "encoder.lnn": "cls" } }""", "$.models[0].options.layerTokens.encoder.lnn", "'encoder.ln'")]
    [InlineData("""{ "tokens": "cls", "prefixTokens": 0 }""", "$.models[0].options.tokens", "class token")]
    [InlineData("""{ "prefixTokens": -1 }""", "$.models[0].options.prefixTokens", "0 or more")]
    public void Open_BadTokenOption_ThrowsWithItsPath(string json, string path, string hint)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => new ViTExtractor().Open(Request(json)));
        Assert.Equal(path, ex.Path);
        Assert.Contains(hint, ex.Message);
    }

    /// <summary>Class token (first) or mean over tokens 1..T-1 of an N × T × D reference.</summary>
    internal static float[][] Pool(Npy all, bool first)
    {
        int n = all.Shape[0], t = all.Shape[1], d = all.Shape[2];
        var values = all.Floats();
        var result = new float[n][];
        for (int i = 0; i < n; i++)
        {
            result[i] = new float[d];
            for (int k = 0; k < d; k++)
            {
                if (first)
                {
                    result[i][k] = values[(i * t) * d + k];
                    continue;
                }
                double sum = 0;
                for (int j = 1; j < t; j++) sum += values[(i * t + j) * d + k];
                result[i][k] = (float)(sum / (t - 1));
            }
        }
        return result;
    }

    internal static void AssertClose(IReadOnlyList<float[]> actual, float[][] expected, string layer)
    {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int k = 0; k < expected[i].Length; k++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[i][k] - expected[i][k]));
                maxRef = Math.Max(maxRef, Math.Abs(expected[i][k]));
            }
        }
        Assert.True(maxDiff <= 1e-4 * maxRef, $"{layer}: relative error {maxDiff / maxRef:E2}");
    }
}
