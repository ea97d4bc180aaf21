using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Onnx;
using RepLens.Rsa.ReceptiveFields;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.ReceptiveFields;

/// <summary>
/// Back-projection through ONNX graphs (the graph walk of RepLens.Onnx, the tensor work of RepLens.Rsa)
/// against PyTorch references computed independently (tools/fixtures/make_receptive_field_fixtures.py):
/// patterns and forward-validation responses to 1e-4 relative.
/// </summary>
public sealed class ReceptiveFieldOracleTests
{
    private const double Tolerance = 1e-4;
    private static readonly OnnxModelSettings Settings = new("resnet", Preprocessing.ImageNet);

    public sealed record Case(string Model, string Layer, int[] LayerShape, int[][] Units, double[] Constants, string Patterns, string? Responses);

    public static IReadOnlyList<Case> Cases { get; } = LoadCases();

    public static TheoryData<int> CaseIndices => new(Enumerable.Range(0, Cases.Count));

    public static TheoryData<int> ResponseCaseIndices => new(Enumerable.Range(0, Cases.Count).Where(i => Cases[i].Responses is not null));

    private static IReadOnlyList<Case> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Repo.Fixture("receptive_fields", "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("model").GetString()!, c.GetProperty("layer").GetString()!,
            c.GetProperty("layer_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("units").EnumerateArray().Select(u => u.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray(),
            c.GetProperty("constants").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            c.GetProperty("patterns").GetString()!,
            c.TryGetProperty("responses", out var r) ? r.GetString() : null)).ToList();
    }

    internal static OnnxLoadedModel Open(string relative) => OnnxLoadedModel.Open(Repo.Fixture("receptive_fields", relative), Settings);

    private static List<UnitClamp> Clamps(Case c) =>
        c.Units.SelectMany(u => c.Constants.Select(k => new UnitClamp(u[0], c.LayerShape.Length == 3 ? u[1] : 0, c.LayerShape.Length == 3 ? u[2] : 0, (float)k))).ToList();

    private static float[] Patterns(OnnxLoadedModel model, Case c, BackProjectionBias bias)
    {
        var plan = model.PlanBackProjection(model.SelectLayers(new[] { c.Layer })[0]);
        using var projector = new BackProjector(plan, bias);
        var clamps = Clamps(c);
        var patterns = new float[clamps.Count * plan.InputLength];
        projector.Project(clamps, patterns);
        return patterns;
    }

    /// <summary>max |a − b| / max |b| over each pattern.</summary>
    private static void AssertMatches(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int length, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length / length; p++)
        {
            double peak = 0, diff = 0;
            for (int i = p * length; i < (p + 1) * length; i++)
            {
                peak = Math.Max(peak, Math.Abs(expected[i]));
                diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
            }
            Assert.True(diff <= Tolerance * Math.Max(peak, 1e-30), $"{what}, pattern {p}: max |difference| {diff:E2}, max |reference| {peak:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void BackProjection_MatchesPyTorch(int index)
    {
        var c = Cases[index];
        using var model = Open(c.Model);
        var reference = Npy.ReadFloat32(Repo.Fixture("receptive_fields", c.Patterns));
        int half = reference.Data.Length / 2, length = half / (c.Units.Length * c.Constants.Length);

        AssertMatches(reference.Data.AsSpan(0, half), Patterns(model, c, BackProjectionBias.None), length, $"{c.Model} {c.Layer}, biases left out");
        AssertMatches(reference.Data.AsSpan(half), Patterns(model, c, BackProjectionBias.Include), length, $"{c.Model} {c.Layer}, biases included");
    }

    [Theory]
    [MemberData(nameof(ResponseCaseIndices))]
    public void ForwardValidation_ResponsesMatchPyTorch(int index)
    {
        var c = Cases[index];
        using var model = Open(c.Model);
        var layer = model.SelectLayers(new[] { c.Layer })[0];
        var patterns = Npy.ReadFloat32(Repo.Fixture("receptive_fields", c.Patterns));
        var expected = Npy.ReadFloat32(Repo.Fixture("receptive_fields", c.Responses!));
        int count = 2 * c.Units.Length * c.Constants.Length, length = patterns.Data.Length / count, channels = c.LayerShape[0];
        var rows = Enumerable.Range(0, count).Select(i => new Row { Input = patterns.Data.AsSpan(i * length, length).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Input)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        var view = model.ExtractFromInputTensors(new MLContext().Data.LoadFromEnumerable(rows, schema), nameof(Row.Input), new[] { layer }, ExtractionOptions.Default);

        var sums = new List<float>();
        using (var cursor = view.GetRowCursor(new[] { view.Schema[layer.SafeName] }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[layer.SafeName]);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                var values = buffer.DenseValues().ToArray();
                int positions = values.Length / channels;
                for (int k = 0; k < channels; k++) sums.Add((float)values.AsSpan(k * positions, positions).ToArray().Sum(v => (double)v));
            }
        }

        AssertMatches(expected.Data, sums.ToArray(), channels, $"{c.Model} {c.Layer} responses");
    }

    [Fact]
    public void BackProjection_FoldedAndUnfusedBatchNorm_AgreeWithoutBiases()
    {
        using var unfused = Open("models/resnet_tiny.onnx");
        using var folded = Open("models/resnet_tiny_folded.onnx");
        foreach (var c in Cases.Where(x => x.Model == "models/resnet_tiny.onnx"))
        {
            var a = Patterns(unfused, c, BackProjectionBias.None);
            var b = Patterns(folded, c, BackProjectionBias.None);
            AssertMatches(a, b, a.Length / Clamps(c).Count, $"{c.Layer}: folded vs unfused");
            Assert.NotEqual(Patterns(folded, c, BackProjectionBias.Include), b);
        }
    }

    [Fact]
    public void BackProjection_OneByOneConvolutionNetwork_GivesTheChannelsWeightVector()
    {
        using var model = Open("models/conv1x1.onnx");
        var weights = Npy.ReadFloat32(Repo.Fixture("receptive_fields", "models", "conv1x1.weight.npy")).Data; // 5 × 3 × 1 × 1
        var plan = model.PlanBackProjection(model.Layers.Single());
        using var projector = new BackProjector(plan);
        var pattern = new float[plan.InputLength];

        for (int k = 0; k < 5; k++)
        {
            projector.Project(new[] { new UnitClamp(k, 2, 5, 2f) }, pattern);
            for (int ch = 0; ch < 3; ch++)
                for (int i = 0; i < 8; i++)
                    for (int j = 0; j < 8; j++)
                        Assert.Equal(i == 2 && j == 5 ? 2f * weights[k * 3 + ch] : 0f, pattern[(ch * 8 + i) * 8 + j], 6);
        }
    }

    private sealed class Row
    {
        public float[] Input { get; set; } = Array.Empty<float>();
    }
}
