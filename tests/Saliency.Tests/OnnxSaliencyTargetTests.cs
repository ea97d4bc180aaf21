using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Saliency.Tests;

/// <summary>
/// The onnx-saliency target on a tiny ONNX saliency network against PyTorch
/// (tools/fixtures/make_saliency_onnx_fixture.py; tests/fixtures/saliency/onnx).
/// </summary>
public sealed class OnnxSaliencyTargetTests : IDisposable
{
    private readonly List<IDisposable> _opened = new();

    private static string Onnx(string name) => Fixtures.Path("onnx", name);

    private static PluginOptions Options(string json, string? baseDirectory = null) =>
        new(JsonDocument.Parse(json).RootElement, "$.targets[0].options", baseDirectory ?? Fixtures.Path("onnx"));

    private IConfiguredTarget Open(string json)
    {
        var configured = new OnnxSaliencyTarget().Open(new TargetRequest("onnx-sal", Options(json)));
        if (configured is IDisposable d) _opened.Add(d);
        return configured;
    }

    private IImageMapTarget Fixed(string extra = "") => Assert.IsAssignableFrom<IImageMapTarget>(Open($$"""{"model": "tiny_saliency.onnx"{{extra}}}"""));

    private IImageMapTarget Dynamic() =>
        Assert.IsAssignableFrom<IImageMapTarget>(Open("""{"model": "tiny_saliency_dynamic.onnx", "inputSize": [56, 40]}"""));

    public void Dispose()
    {
        foreach (var d in _opened) d.Dispose();
    }

    [Theory]
    [InlineData("tiny_saliency", "scene")]
    [InlineData("tiny_saliency", "small")]
    [InlineData("tiny_saliency_dynamic", "scene")]
    [InlineData("tiny_saliency_dynamic", "small")]
    public void ComputeMap_FixtureImage_EqualsPyTorchMapResizedToImage(string model, string image)
    {
        var target = model == "tiny_saliency" ? Fixed() : Dynamic();
        var decoded = ImageDecoder.Decode(Onnx(image + ".png"));
        var map = target.ComputeMap(decoded);
        var expected = Fixtures.Npy(Path.Combine("onnx", $"{model}.{image}.image.npy"));
        Assert.Equal((expected.Dimension(0), expected.Dimension(1)), (map.Rows, map.Columns));
        Assert.Equal((decoded.Height, decoded.Width), (map.Rows, map.Columns));
        Fixtures.AssertClose(expected.Data, map.Data, 1e-4, $"{model} map of {image}");
    }

    [Fact]
    public void ComputeVector_FixtureImage_EqualsPyTorchMapAt224()
    {
        var vector = Fixed().ComputeVector(ImageDecoder.Decode(Onnx("scene.png")));
        Fixtures.AssertClose(Fixtures.Npy(Path.Combine("onnx", "tiny_saliency.scene.224.npy")).Data, vector, 1e-4, "224 × 224 vector");
    }

    [Fact]
    public void ComputeVector_SizeOption_MapOnThatGrid()
    {
        // At the model's own map size (32 × 24) the vector is the raw map.
        var vector = Fixed(""", "size": [32, 24]""").ComputeVector(ImageDecoder.Decode(Onnx("scene.png")));
        Fixtures.AssertClose(Fixtures.Npy(Path.Combine("onnx", "tiny_saliency.scene.map.npy")).Data, vector, 1e-4, "raw map");
    }

    [Fact]
    public void Compute_Stimuli_RowsEqualComputeVector()
    {
        var target = Fixed();
        var table = new StimulusTable([new Stimulus("a", Onnx("scene.png"), null, []), new Stimulus("b", Onnx("small.png"), null, [])], "t");
        var rep = target.Compute(table, CancellationToken.None);
        Assert.Equal(DistanceMetric.Cosine, rep.Metric);
        using var cursor = rep.Vectors!.GetRowCursor(rep.Vectors.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(rep.Vectors.Schema[rep.VectorColumn!]);
        VBuffer<float> row = default;
        foreach (var s in table)
        {
            Assert.True(cursor.MoveNext());
            getter(ref row);
            Assert.Equal(target.ComputeVector(ImageDecoder.Decode(s.ImagePath)), row.DenseValues().ToArray());
        }
    }

    [Fact]
    public void Compute_SameImageTwice_IdenticalValues()
    {
        var target = Fixed();
        var image = ImageDecoder.Decode(Onnx("scene.png"));
        Assert.Equal(target.ComputeMap(image).Data, target.ComputeMap(image).Data);
    }

    [Fact]
    public void Fingerprint_FollowsModelAndOptions()
    {
        var a = Fixed().Fingerprint;
        Assert.Equal(a, Fixed().Fingerprint);
        Assert.NotEqual(a, Fixed(""", "mean": [0, 0, 0]""").Fingerprint);
        Assert.NotEqual(a, Fixed(""", "size": 112""").Fingerprint);
        Assert.NotEqual(a, Open("""{"model": "tiny_saliency_dynamic.onnx", "inputSize": [64, 48]}""").Fingerprint);
    }

    [Theory]
    [InlineData("""{}""", "$.targets[0].options.model", "required")]
    [InlineData("""{"model": "nothere.onnx"}""", "$.targets[0].options.model", "does not exist")]
    [InlineData("""{"model": "tiny_saliency.onnx", "inputSize": [32, 32]}""", "$.targets[0].options.inputSize", "64 × 48")]
    [InlineData("""{"model": "tiny_saliency_dynamic.onnx"}""", "$.targets[0].options.inputSize", "required")]
    [InlineData("""{"model": "tiny_saliency.onnx", "mean": [0.5]}""", "$.targets[0].options.mean", "three values")]
    [InlineData("""{"model": "tiny_saliency.onnx", "output": "nope"}""", "$.targets[0].options.model", "no value 'nope'")]
    [InlineData("""{"model": "tiny_saliency.onnx", "crop": 224}""", "$.targets[0].options.crop", "unknown option")]
    public void Open_BadOption_ConfigurationErrorNamingIt(string json, string path, string fragment)
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => Open(json));
        Assert.Equal(path, e.Path);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Open_NotAnOnnxFile_ConfigurationErrorNamingTheFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.onnx"), "not a model");
        var e = Assert.Throws<ConfigurationErrorException>(() =>
            new OnnxSaliencyTarget().Open(new TargetRequest("x", Options("""{"model": "model.onnx", "inputSize": 32}""", dir.Path))));
        Assert.Contains("model.onnx", e.Message);
    }

    [Fact]
    public void Open_ClassifierOutput_RefusedAsNotAMap()
    {
        // The ResNet fixture's output is N × 10 logits, not a map.
        var resnet = Repo.Fixture("onnx", "models", "resnet18_narrow.onnx");
        var e = Assert.Throws<ConfigurationErrorException>(() =>
            new OnnxSaliencyTarget().Open(new TargetRequest("x", Options($$"""{"model": "{{resnet}}"}"""))));
        Assert.Contains("N×1×h×w", e.Message);
    }

    [Fact]
    public void Compute_UndecodableImage_ErrorNamesStimulus()
    {
        var table = new StimulusTable([new Stimulus("bad-1", Fixtures.Path("not_an_image.png"), null, [])], "t");
        var e = Assert.Throws<InvalidDataException>(() => Fixed().Compute(table, CancellationToken.None));
        Assert.Contains("stimulus 'bad-1'", e.Message);
        Assert.Contains("not_an_image.png", e.Message);
    }

    [Fact]
    public void ConfigureServices_RegistersOnnxSaliency()
    {
        var services = new ServiceCollection();
        new SaliencyPlugin().ConfigureServices(services);
        var keyed = services.Where(d => d.IsKeyedService && d.ServiceType == typeof(IRepresentationalTarget))
            .ToDictionary(d => (string)d.ServiceKey!, d => d.KeyedImplementationType);
        Assert.Equal(typeof(OnnxSaliencyTarget), keyed["onnx-saliency"]);
    }
}
