using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Saliency.Tests;

public class TargetTests
{
    private static PluginOptions Options(string json, string? baseDirectory = null) =>
        new(JsonDocument.Parse(json).RootElement, "$.targets[0].options", baseDirectory ?? Fixtures.Path());

    private static Stimulus S(string id, string image) => new(id, image, null, []);

    private static StimulusTable ThreeImages() => new(
    [
        S("red", Fixtures.Path("red_disc.png")),
        S("oracle", Fixtures.Path("oracle_image.png")),
        S("blue", Fixtures.Path("blue_disc.png")),
    ], "test table");

    private static List<(string Id, float[] Values)> Rows(TargetRepresentation rep, int expectedLength)
    {
        Assert.NotNull(rep.Vectors);
        var view = rep.Vectors!;
        var idColumn = view.Schema[StimulusColumns.Id];
        Assert.IsType<TextDataViewType>(idColumn.Type);
        var vector = view.Schema[rep.VectorColumn!];
        var type = Assert.IsType<VectorDataViewType>(vector.Type);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        Assert.Equal(expectedLength, type.Size);
        var rows = new List<(string, float[])>();
        using var cursor = view.GetRowCursor(view.Schema);
        var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(idColumn);
        var vecGetter = cursor.GetGetter<VBuffer<float>>(vector);
        ReadOnlyMemory<char> id = default;
        VBuffer<float> values = default;
        while (cursor.MoveNext())
        {
            idGetter(ref id);
            vecGetter(ref values);
            rows.Add((id.ToString(), values.DenseValues().ToArray()));
        }
        return rows;
    }

    [Fact]
    public void ConfigureServices_RegistersBothTargets()
    {
        var services = new ServiceCollection();
        new SaliencyPlugin().ConfigureServices(services);
        var ids = services.Where(d => d.ServiceType == typeof(ExtensionRegistration))
            .Select(d => (ExtensionRegistration)d.ImplementationInstance!).Select(r => r.Id).ToArray();
        Assert.Equal(["itti-koch", "saliency-maps", "onnx-saliency"], ids);
        var keyed = services.Where(d => d.IsKeyedService && d.ServiceType == typeof(IRepresentationalTarget))
            .ToDictionary(d => (string)d.ServiceKey!, d => d.KeyedImplementationType);
        Assert.Equal(typeof(IttiKochTarget), keyed["itti-koch"]);
        Assert.Equal(typeof(SaliencyMapsTarget), keyed["saliency-maps"]);
    }

    [Fact]
    public void IttiKoch_DefaultOptions_224x224CosineVectorsInTableOrder()
    {
        var target = new IttiKochTarget();
        Assert.Equal(DistanceMetric.Cosine, target.DefaultMetric);
        var configured = target.Open(new TargetRequest("saliency", Options("{}")));
        var rep = configured.Compute(ThreeImages(), CancellationToken.None);
        Assert.Equal(DistanceMetric.Cosine, rep.Metric);
        var rows = Rows(rep, 224 * 224);
        Assert.Equal(["red", "oracle", "blue"], rows.Select(r => r.Id));
        var direct = new IttiKochSaliency().Compute(Fixtures.Image(Fixtures.Path("oracle_image.png")), 224, 224);
        Assert.Equal(direct.Data, rows[1].Values);
    }

    [Fact]
    public void IttiKoch_SizeAndModelOptions_Applied()
    {
        var configured = new IttiKochTarget().Open(new TargetRequest("s", Options("""{"size": [32, 24], "gaborWavelength": 5, "blurSigma": 0}""")));
        var rows = Rows(configured.Compute(ThreeImages(), CancellationToken.None), 32 * 24);
        var model = new IttiKochSaliency(IttiKochOptions.Default with { GaborWavelength = 5, BlurSigma = 0 });
        Assert.Equal(model.Compute(Fixtures.Image(Fixtures.Path("oracle_image.png")), 32, 24).Data, rows[1].Values);
    }

    [Fact]
    public void IttiKoch_OneThreadOrMany_IdenticalVectors()
    {
        var one = new IttiKochTarget().Open(new TargetRequest("s", Options("""{"maxDegreeOfParallelism": 1}""")));
        var many = new IttiKochTarget().Open(new TargetRequest("s", Options("""{"maxDegreeOfParallelism": 3}""")));
        var a = Rows(one.Compute(ThreeImages(), CancellationToken.None), 224 * 224);
        var b = Rows(many.Compute(ThreeImages(), CancellationToken.None), 224 * 224);
        for (int i = 0; i < 3; i++) Assert.Equal(a[i].Values, b[i].Values);
        Assert.Equal(one.Fingerprint, many.Fingerprint);
    }

    [Fact]
    public void IttiKoch_Fingerprint_StableAndSensitiveToOptions()
    {
        string F(string json) => new IttiKochTarget().Open(new TargetRequest("s", Options(json))).Fingerprint;
        Assert.Equal(F("{}"), F("{}"));
        Assert.Equal(F("{}"), F("""{"size": 224, "gaborSize": 9}"""));
        Assert.NotEqual(F("{}"), F("""{"gaborSize": 7}"""));
        Assert.NotEqual(F("{}"), F("""{"size": 112}"""));
        Assert.Matches("^[0-9a-f]{64}$", F("{}"));
    }

    [Theory]
    [InlineData("""{"gaborSizee": 9}""", "$.targets[0].options.gaborSizee", "unknown option")]
    [InlineData("""{"gaborSize": 8}""", "$.targets[0].options.gaborSize", "odd")]
    [InlineData("""{"size": [0, 10]}""", "$.targets[0].options.size", "between 1 and 4096")]
    [InlineData("""{"alphaBackground": "white"}""", "$.targets[0].options.alphaBackground", "unknown option")]
    [InlineData("""{"centerLevels": [2.5]}""", "$.targets[0].options.centerLevels[0]", "integer")]
    [InlineData("""{"maxDegreeOfParallelism": 0}""", "$.targets[0].options.maxDegreeOfParallelism", "positive")]
    public void IttiKoch_BadOption_ConfigurationErrorNamingIt(string json, string path, string fragment)
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => new IttiKochTarget().Open(new TargetRequest("s", Options(json))));
        Assert.Equal(path, e.Path);
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData("empty.png", "empty")]
    [InlineData("not_an_image.png", "not an image")]
    [InlineData("no_such_file.png", "does not exist")]
    public void IttiKoch_BadImage_ErrorNamesStimulusAndFile(string file, string fragment)
    {
        var path = Fixtures.Path(file);
        var table = new StimulusTable([S("ok", Fixtures.Path("red_disc.png")), S("broken-7", path)], "t.csv");
        var configured = new IttiKochTarget().Open(new TargetRequest("sal", Options("{}")));
        var e = Assert.Throws<InvalidDataException>(() => configured.Compute(table, CancellationToken.None));
        Assert.Contains("stimulus 'broken-7'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Contains("Target 'sal'", e.Message);
    }

    [Fact]
    public void IttiKoch_Cancelled_Throws()
    {
        var configured = new IttiKochTarget().Open(new TargetRequest("s", Options("{}")));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => configured.Compute(ThreeImages(), cts.Token));
    }

    private static IConfiguredTarget Maps(string extra = "") =>
        new SaliencyMapsTarget().Open(new TargetRequest("maps", Options($$"""{"folder": "maps"{{extra}}}""")));

    private static StimulusTable MapStimuli(params string[] ids) =>
        new(ids.Select(id => S(id, Fixtures.Path("red_disc.png"))), "maps table");

    [Fact]
    public void SaliencyMaps_NativeSize_ValuesAsStored()
    {
        var rows = Rows(Maps(""", "size": [16, 12]""").Compute(MapStimuli("s1", "s2", "s3"), CancellationToken.None), 16 * 12);
        Assert.Equal(SaliencyMapFile.Read(Fixtures.Path("maps", "s1.png")).Data, rows[0].Values);
        Assert.Equal(SaliencyMapFile.Read(Fixtures.Path("maps", "s2.npy")).Data, rows[1].Values);
        Assert.Equal(SaliencyMapFile.Read(Fixtures.Path("maps", "s3.png")).Data, rows[2].Values);
    }

    [Fact]
    public void SaliencyMaps_DefaultSize_ResizedTo224()
    {
        var rows = Rows(Maps().Compute(MapStimuli("s2"), CancellationToken.None), 224 * 224);
        var expected = SaliencyMapFile.Read(Fixtures.Path("maps", "s2.npy")).Resize(224, 224);
        Assert.Equal(expected.Data, rows[0].Values);
    }

    [Fact]
    public void SaliencyMaps_MissingMap_ErrorNamesStimulus()
    {
        var e = Assert.Throws<InvalidDataException>(() => Maps().Compute(MapStimuli("s1", "s9"), CancellationToken.None));
        Assert.Contains("stimulus 's9'", e.Message);
        Assert.Contains("s9.png", e.Message);
        Assert.Contains("s9.npy", e.Message);
    }

    [Fact]
    public void SaliencyMaps_WrongSize_ErrorNamesStimulusAndBothSizes()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            Maps(""", "expectedSize": [16, 12]""").Compute(MapStimuli("s1", "wrongsize"), CancellationToken.None));
        Assert.Contains("stimulus 'wrongsize'", e.Message);
        Assert.Contains("20 × 10", e.Message);
        Assert.Contains("16 × 12", e.Message);
    }

    [Fact]
    public void SaliencyMaps_ExpectedSizeOfImage_ErrorNamesImageSize()
    {
        // red_disc.png is 64 × 48; the maps are 16 × 12.
        var e = Assert.Throws<InvalidDataException>(() =>
            Maps(""", "expectedSize": "image" """).Compute(MapStimuli("s1"), CancellationToken.None));
        Assert.Contains("stimulus 's1'", e.Message);
        Assert.Contains("16 × 12", e.Message);
        Assert.Contains("64 × 48", e.Message);
        Assert.Contains("red_disc.png", e.Message);
    }

    [Fact]
    public void SaliencyMaps_NotA2DMap_ErrorNamesStimulus()
    {
        var e = Assert.Throws<InvalidDataException>(() => Maps().Compute(MapStimuli("threed"), CancellationToken.None));
        Assert.Contains("stimulus 'threed'", e.Message);
        Assert.Contains("2-D", e.Message);
    }

    [Fact]
    public void SaliencyMaps_BothPngAndNpy_Refused()
    {
        using var dir = new TempDir();
        File.Copy(Fixtures.Path("maps", "s1.png"), dir.File("x.png"));
        File.Copy(Fixtures.Path("maps", "s2.npy"), dir.File("x.npy"));
        var configured = new SaliencyMapsTarget().Open(new TargetRequest("m", Options("""{"folder": "."}""", dir.Path)));
        var e = Assert.Throws<InvalidDataException>(() => configured.Compute(MapStimuli("x"), CancellationToken.None));
        Assert.Contains("keep one", e.Message);
    }

    [Fact]
    public void SaliencyMaps_FolderMissingOrAbsent_ConfigurationError()
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => new SaliencyMapsTarget().Open(new TargetRequest("m", Options("{}"))));
        Assert.Equal("$.targets[0].options.folder", e.Path);
        e = Assert.Throws<ConfigurationErrorException>(() =>
            new SaliencyMapsTarget().Open(new TargetRequest("m", Options("""{"folder": "nowhere"}"""))));
        Assert.Contains("does not exist", e.Message);
        e = Assert.Throws<ConfigurationErrorException>(() =>
            new SaliencyMapsTarget().Open(new TargetRequest("m", Options("""{"folder": "maps", "expectedSize": "images"}"""))));
        Assert.Equal("$.targets[0].options.expectedSize", e.Path);
    }

    [Fact]
    public void SaliencyMaps_FingerprintFollowsFolderContent()
    {
        using var dir = new TempDir();
        File.Copy(Fixtures.Path("maps", "s1.png"), dir.File("a.png"));
        string F() => new SaliencyMapsTarget().Open(new TargetRequest("m", Options("""{"folder": "."}""", dir.Path))).Fingerprint;
        var before = F();
        Assert.Equal(before, F());
        File.Copy(Fixtures.Path("maps", "s2.npy"), dir.File("b.npy"));
        Assert.NotEqual(before, F());
    }
}
