using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using Xunit;

namespace Lab.MyPlugin.Tests;

/// <summary>
/// The checks RepLens expects of every extractor (see docs/PLUGINS.md in RepLens), on a tiny committed
/// network (Fixtures/tiny.onnx, made by RepLens's tools/fixtures/make_template_fixtures.py): its output
/// "mean_rgb" is each channel's mean, so three solid-colour images give their colours.
/// </summary>
public class MyPluginExtractorTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private sealed class StimulusRow
    {
        public string Id { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public string Category { get; set; } = "";
    }

    private static ILoadedModel Open(MLContext ml) =>
        new MyPluginExtractor(ml).Open(new ModelRequest("tiny", null, Path.Combine(Fixtures, "tiny.onnx"), PluginOptions.Empty));

    private static IDataView Stimuli(MLContext ml, params string[] names) =>
        ml.Data.LoadFromEnumerable(names.Select(n => new StimulusRow { Id = n, ImagePath = Path.Combine(Fixtures, n + ".png") }));

    private static List<float[]> Read(IDataView view, LayerDescription layer)
    {
        var column = view.Schema[layer.SafeName];
        var rows = new List<float[]>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows;
    }

    [Fact]
    public void Open_TinyNetwork_ListsItsOutputsWithShapes()
    {
        using var model = Open(new MLContext(seed: 0));
        Assert.Equal(new[] { "mean_rgb", "edges" }, model.Layers.Select(l => l.Name));
        Assert.Equal(new[] { 3, 1, 1 }, model.Layers[0].Shape);
        Assert.Equal(2 * 14 * 14, model.Layers[1].FeatureCount);
    }

    [Fact]
    public void Extract_ThreeSolidImages_GivesTheirColoursInStimulusOrder()
    {
        var ml = new MLContext(seed: 0);
        using var model = Open(ml);
        var layer = model.SelectLayers(new[] { "mean_rgb" }).Single();
        var view = model.Extract(Stimuli(ml, "red", "green", "gray"), new[] { layer }, ExtractionOptions.Default);

        var rows = Read(view, layer);
        Assert.Equal(3, rows.Count);
        Assert.Equal(new[] { 1f, 0f, 0f }, rows[0], (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(new[] { 0f, 1f, 0f }, rows[1], (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(new[] { 128 / 255f, 128 / 255f, 128 / 255f }, rows[2], (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(rows, Read(view, layer));
    }

    [Fact]
    public void SelectLayers_UnknownName_ThrowsWithTheNearestName()
    {
        using var model = Open(new MLContext(seed: 0));
        var e = Assert.Throws<ArgumentException>(() => model.SelectLayers(new[] { "mean_rbg" }));
        Assert.Contains("mean_rgb", e.Message);
    }
}
