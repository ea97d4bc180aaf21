using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Onnx.Extraction;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

public class OnnxLayerScoringTests
{
    private static readonly OnnxModelSettings Cnn = new("test", Preprocessing.ImageNet);

    [Fact]
    public void Fit_InputColumnOfTheWrongSize_ThrowsNamingIt()
    {
        using var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Cnn, ModelFileTests.Options("""{ "crop": 8 }"""));
        var (bytes, input, outputs) = model.BuildExtractionModel(model.Layers);
        var data = new MLContext().Data.LoadFromEnumerable(new[] { new Pixels { Values = new float[10] } },
            SchemaDefinition.Create(typeof(Pixels)).Also(d => d[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 10)));
        var estimator = new MLContext().Transforms.ApplyOnnxLayers(bytes, "Values", new long[] { 1, 3, 8, 8 },
            new[] { new OnnxLayerOutput(outputs[0], new long[] { 1, 3, 8, 8 }, new[] { 3, 8, 8 }) });
        var ex = Assert.Throws<ArgumentException>(() => estimator.Fit(data));
        Assert.Contains("'Values'", ex.Message);
        Assert.Contains("192 floats", ex.Message);
    }

    [Fact]
    public void Transform_ManyRows_GivesEachRowItsOwnValues()
    {
        using var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), Cnn, ModelFileTests.Options("""{ "crop": 2 }"""));
        var (bytes, input, outputs) = model.BuildExtractionModel(model.Layers);
        var rows = Enumerable.Range(0, 50).Select(i => new Pixels { Values = Enumerable.Range(0, 12).Select(k => (float)(i * 12 + k)).ToArray() }).ToList();
        var context = new MLContext();
        var data = context.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(Pixels)).Also(d => d[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 12)));
        var view = context.Transforms.CopyColumns(input, "Values")
            .Append(context.Transforms.ApplyOnnxLayers(bytes, input, new long[] { 1, 3, 2, 2 }, new[] { new OnnxLayerOutput(outputs[0], new long[] { 1, 3, 2, 2 }, new[] { 3, 2, 2 }) }))
            .Fit(data).Transform(data);
        var values = ReadColumn(view, outputs[0]);
        Assert.Equal(50, values.Count);
        var mean = Preprocessing.ImageNet.Mean;
        var std = Preprocessing.ImageNet.Std;
        for (int i = 0; i < 50; i++)
            for (int k = 0; k < 12; k++)
                Assert.Equal((rows[i].Values[k] / 255f - mean[k / 4]) / std[k / 4], values[i][k], 1e-5f);
    }

    private sealed class Pixels
    {
        public float[] Values { get; set; } = Array.Empty<float>();
    }
}

internal static class SchemaDefinitionExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
