using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.TestSupport;

namespace RepLens.Onnx.Tests;

/// <summary>Paths of the ONNX fixtures (tests/fixtures/onnx, made by tools/fixtures/make_onnx_fixtures.py) and helpers to run them.</summary>
public static class OnnxFixtures
{
    public static string Model(string name) => Repo.Fixture("onnx", "models", name);

    public static string Image(string name) => Repo.Fixture("onnx", "images", name);

    public static string Activation(string model, string layer) => Repo.Fixture("onnx", "activations", model, layer + ".npy");

    /// <summary>The good images, in the order of the preprocessing references.</summary>
    public static IReadOnlyList<string> ImageNames => File.ReadAllLines(Repo.Fixture("onnx", "images.txt")).Where(l => l.Length > 0).ToList();

    /// <summary>The images of the activation references.</summary>
    public static IReadOnlyList<string> ActivationImageNames => File.ReadAllLines(Repo.Fixture("onnx", "activations", "images.txt")).Where(l => l.Length > 0).ToList();

    /// <summary>A stimulus view (Id, ImagePath, Category) over image files.</summary>
    public static IDataView Stimuli(IEnumerable<string> imagePaths)
    {
        var rows = imagePaths.Select((p, i) => new StimulusRow { Id = $"s{i}", ImagePath = Path.GetFullPath(p), Category = "" }).ToList();
        return new MLContext().Data.LoadFromEnumerable(rows);
    }

    public static IDataView FixtureStimuli(IEnumerable<string> imageNames) => Stimuli(imageNames.Select(Image));

    /// <summary>Reads every row of <paramref name="column"/> (copying the reused buffers).</summary>
    public static List<float[]> ReadColumn(IDataView view, string column)
    {
        var col = view.Schema[column];
        var rows = new List<float[]>();
        using var cursor = view.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows;
    }

    /// <summary>Reads all layer columns in one pass.</summary>
    public static Dictionary<string, List<float[]>> ReadColumns(IDataView view, IEnumerable<string> columns)
    {
        var cols = columns.Select(c => view.Schema[c]).ToList();
        var result = cols.ToDictionary(c => c.Name, _ => new List<float[]>());
        using var cursor = view.GetRowCursor(cols);
        var getters = cols.Select(c => (c.Name, Getter: cursor.GetGetter<VBuffer<float>>(c))).ToList();
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            foreach (var (name, getter) in getters)
            {
                getter(ref buffer);
                result[name].Add(buffer.DenseValues().ToArray());
            }
        }
        return result;
    }

    /// <summary>max|a − b| / max|b| over a layer (all images): the tests' relative error.</summary>
    public static double RelativeError(IReadOnlyList<float[]> actual, Npy expected)
    {
        var b = expected.Floats();
        int n = (int)(expected.Count / expected.Shape[0]);
        if (actual.Count != expected.Shape[0]) throw new InvalidOperationException($"{actual.Count} rows, expected {expected.Shape[0]}");
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            if (actual[i].Length != n) throw new InvalidOperationException($"row length {actual[i].Length}, expected {n}");
            for (int j = 0; j < n; j++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[i][j] - b[i * n + j]));
                maxRef = Math.Max(maxRef, Math.Abs(b[i * n + j]));
            }
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /// <summary>
    /// Extracts every layer of <paramref name="model"/> for the activation images and compares each with its
    /// PyTorch forward-hook reference (tests/fixtures/onnx/activations/<paramref name="referenceModel"/>).
    /// </summary>
    public static void AssertEveryLayerMatchesPyTorch(ILoadedModel model, string referenceModel, double tolerance = 1e-4)
    {
        var view = model.Extract(FixtureStimuli(ActivationImageNames), model.Layers, ExtractionOptions.Default);
        var columns = ReadColumns(view, model.Layers.Select(l => l.SafeName));
        var failures = new List<string>();
        foreach (var layer in model.Layers)
        {
            var error = RelativeError(columns[layer.SafeName], Npy.Load(Activation(referenceModel, layer.Name)));
            if (!(error <= tolerance)) failures.Add($"{layer.Name}: relative error {error:E2}");
        }
        Xunit.Assert.True(failures.Count == 0,
            $"{failures.Count} of {model.Layers.Count} layers differ from PyTorch by more than {tolerance:E0}:\n" + string.Join("\n", failures));
    }

    /// <summary>The largest relative error over all layers (for reports).</summary>
    public static double WorstRelativeError(ILoadedModel model, string referenceModel)
    {
        var view = model.Extract(FixtureStimuli(ActivationImageNames), model.Layers, ExtractionOptions.Default);
        var columns = ReadColumns(view, model.Layers.Select(l => l.SafeName));
        return model.Layers.Max(l => RelativeError(columns[l.SafeName], Npy.Load(Activation(referenceModel, l.Name))));
    }

    public sealed class StimulusRow
    {
        public string Id { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public string Category { get; set; } = "";
    }
}
