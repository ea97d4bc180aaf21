using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using Xunit;

namespace RepLens.Onnx.Tests;

/// <summary>
/// Checks every model extractor must pass (ML.NET's TestEstimatorCore for RepLens extractors): layer
/// descriptions, selection errors, schema problems caught before any compute, the output schema (one
/// float vector column per layer, of the layer's size, Id passed through), one row per stimulus, and
/// identical vectors for the same input twice.
/// </summary>
public static class ExtractorConformance
{
    public static void Check(IModelExtractor extractor, ModelRequest request, IReadOnlyList<string> imagePaths)
    {
        Assert.NotNull(extractor.BuiltInModels);
        using var model = extractor.Open(request);

        // Layers: unique names (also as column names), topological depth, positive sizes.
        Assert.NotEmpty(model.Layers);
        Assert.Equal(model.Layers.Count, model.Layers.Select(l => l.Name).Distinct().Count());
        Assert.Equal(model.Layers.Count, model.Layers.Select(l => l.SafeName).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, model.Layers.Count), model.Layers.Select(l => l.Depth));
        Assert.All(model.Layers, l => Assert.True(l.FeatureCount > 0, $"layer {l.Name} has no features"));
        Assert.Matches("^[0-9a-f]{64}$", model.Fingerprint);
        using (var again = extractor.Open(request)) Assert.Equal(model.Fingerprint, again.Fingerprint);

        // Selection.
        Assert.Equal(model.Layers, model.SelectLayers(new[] { "all" }));
        var unknown = Assert.ThrowsAny<ArgumentException>(() => model.SelectLayers(new[] { model.Layers[0].Name + "_nope" }));
        Assert.Contains(model.Layers[0].Name, unknown.Message);

        var layers = new[] { model.Layers[0], model.Layers[model.Layers.Count / 2], model.Layers[^1] }.Distinct().ToList();

        // Wrong layer or schema: thrown by Extract itself, before any image is read (the images here do not exist).
        var missing = OnnxFixtures.Stimuli(new[] { "/nonexistent/replens/a.png" });
        Assert.ThrowsAny<ArgumentException>(() => model.Extract(missing, new[] { layers[0] with { Name = "no.such.layer" } }, ExtractionOptions.Default));
        Assert.ThrowsAny<ArgumentException>(() => model.Extract(missing, new[] { layers[0] with { Shape = new[] { 1 } } }, ExtractionOptions.Default));
        var noPaths = new MLContext().Data.LoadFromEnumerable(new[] { new NoPathRow() });
        Assert.ThrowsAny<ArgumentException>(() => model.Extract(noPaths, layers, ExtractionOptions.Default));

        // Output schema and values.
        var stimuli = OnnxFixtures.Stimuli(imagePaths);
        var view = model.Extract(stimuli, layers, ExtractionOptions.Default);
        Assert.IsType<TextDataViewType>(view.Schema[StimulusColumns.Id].Type);
        foreach (var layer in layers)
        {
            var type = Assert.IsType<VectorDataViewType>(view.Schema[layer.SafeName].Type);
            Assert.Equal(NumberDataViewType.Single, type.ItemType);
            Assert.Equal(layer.FeatureCount, type.Size);
        }
        var first = OnnxFixtures.ReadColumns(view, layers.Select(l => l.SafeName));
        var second = OnnxFixtures.ReadColumns(model.Extract(stimuli, layers, ExtractionOptions.Default), layers.Select(l => l.SafeName));
        var ids = new List<string>();
        using (var cursor = view.GetRowCursor(new[] { view.Schema[StimulusColumns.Id] }))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[StimulusColumns.Id]);
            var id = default(ReadOnlyMemory<char>);
            while (cursor.MoveNext())
            {
                getter(ref id);
                ids.Add(id.ToString());
            }
        }
        Assert.Equal(imagePaths.Select((_, i) => $"s{i}"), ids);
        foreach (var layer in layers)
        {
            Assert.Equal(imagePaths.Count, first[layer.SafeName].Count);
            Assert.All(first[layer.SafeName], row => Assert.All(row, v => Assert.True(float.IsFinite(v), $"{layer.Name}: non-finite value")));
            for (int i = 0; i < imagePaths.Count; i++)
                Assert.Equal(first[layer.SafeName][i], second[layer.SafeName][i]);
        }
    }

    private sealed class NoPathRow
    {
        public string Id { get; set; } = "a";
        public string Category { get; set; } = "";
    }
}
