using RepLens.Abstractions;
using RepLens.Host.Analyses;
using RepLens.Host.Configuration;
using RepLens.Rsa;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDir _dir = new("replens-config");
    private readonly ConfigLoader _loader = new(new IAnalysisKind[] { new TargetRsaAnalysis() });

    public ConfigLoaderTests()
    {
        File.WriteAllText(_dir.File("stimuli.csv"), "id,path\na,a.png\n");
        File.WriteAllBytes(_dir.File("net.onnx"), new byte[] { 1 });
    }

    private string Write(string json)
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private InvalidConfigurationException Invalid(string json) =>
        Assert.Throws<InvalidConfigurationException>(() => _loader.Load(Write(json)));

    private const string Valid = """
        {
          "stimuli": "stimuli.csv",
          "output": "out",
          "models": [ { "name": "net", "family": "resnet", "onnx": "net.onnx", "layers": ["op:Relu"] } ],
          "targets": [ { "name": "category", "kind": "category" } ],
          "analyses": [ { "kind": "target-rsa" } ]
        }
        """;

    [Fact]
    public void Load_ValidConfig_ResolvesPathsAndFillsDefaults()
    {
        var config = _loader.Load(Write(Valid));

        Assert.Equal(_dir.File("stimuli.csv"), config.StimuliPath);
        Assert.Equal(_dir.File("out"), config.OutputDirectory);
        Assert.Equal(Path.Combine(_dir.File("out"), "cache"), config.EffectiveCacheDirectory);
        Assert.Equal(0, config.Seed);
        Assert.Equal(RsaDevice.Auto, config.Device);
        Assert.Equal(2L << 30, config.MemoryBudgetBytes);
        Assert.Equal(BadImagePolicy.Stop, config.OnBadImage);
        var model = Assert.Single(config.Models);
        Assert.Equal(_dir.File("net.onnx"), model.ModelPath);
        Assert.Equal(new[] { "op:Relu" }, model.Layers);
        var settings = Assert.IsType<TargetRsaSettings>(Assert.Single(config.Analyses).Settings);
        Assert.Equal(new[] { "net" }, settings.Models);
        Assert.Equal(new[] { "category" }, settings.Targets);
        Assert.Equal(DistanceMetric.Cosine, settings.LayerMetric);
        Assert.Equal(ComparisonMethod.Spearman, settings.Inference.Comparison);
        Assert.Equal(MultipleComparisonCorrection.BenjaminiHochberg, settings.Inference.Correction);
    }

    [Fact]
    public void Load_MissingRequiredKeys_ReportsEveryOneWithItsPath()
    {
        var e = Invalid("{ }");

        var paths = e.Errors.Select(x => x.Path).ToList();
        Assert.Contains("$.stimuli", paths);
        Assert.Contains("$.output", paths);
        Assert.Contains("$.analyses", paths);
        Assert.Contains("3 configuration errors", e.Message);
        Assert.Contains("$.stimuli: required; expected the path of a stimulus table", e.Message);
    }

    [Fact]
    public void Load_WrongTypesAndValues_SayWhatWasExpected()
    {
        var e = Invalid("""
            { "stimuli": "stimuli.csv", "output": "out", "seed": "one", "device": "gpu", "memory": "lots",
              "precision": 64, "analyses": [ { "kind": "target-rsa", "permutations": -5, "comparison": "kendall" } ],
              "models": [ { "name": "n", "family": "resnet", "onnx": "net.onnx" } ], "targets": [ { "name": "c", "kind": "category" } ] }
            """);

        string Message(string path) => Assert.Single(e.Errors, x => x.Path == path).Problem;
        Assert.Equal("expected an integer, found the string \"one\".", Message("$.seed"));
        Assert.Equal("'gpu' is not valid; expected one of: auto, cpu, cuda.", Message("$.device"));
        Assert.Contains("'lots' is not a size", Message("$.memory"));
        Assert.Contains("expected one of: float32, float64, found the number 64", Message("$.precision"));
        Assert.Equal("expected an integer ≥ 0, found -5.", Message("$.analyses[0].permutations"));
        Assert.Equal("'kendall' is not valid; expected one of: spearman, pearson, kendall-tau-a, cosine.", Message("$.analyses[0].comparison"));
    }

    [Fact]
    public void Load_UnknownKey_IsAnErrorWithASuggestion()
    {
        var e = Invalid(Valid.Replace("\"output\"", "\"seeed\": 3, \"output\""));

        var error = Assert.Single(e.Errors);
        Assert.Equal("$.seeed", error.Path);
        Assert.Contains("unknown key. Did you mean: seed", error.Problem);
    }

    [Fact]
    public void Load_BadModelEntries_AreReportedTogether()
    {
        var e = Invalid("""
            { "stimuli": "stimuli.csv", "output": "out",
              "models": [
                { "name": "a", "model": "resnet18-imagenet", "onnx": "net.onnx", "family": "resnet" },
                { "name": "b", "onnx": "missing.onnx" },
                { "name": "b", "family": "vit" },
                { "name": "bad name/x", "model": "m" }
              ],
              "targets": [ { "name": "c", "kind": "category" } ],
              "analyses": [ { "kind": "target-rsa" } ] }
            """);

        Assert.Contains(e.Errors, x => x.Path == "$.models[0]" && x.Problem.Contains("not both"));
        Assert.Contains(e.Errors, x => x.Path == "$.models[1].onnx" && x.Problem.Contains("missing.onnx") && x.Problem.Contains("does not exist"));
        Assert.Contains(e.Errors, x => x.Path == "$.models[1].family" && x.Problem.Contains("required with \"onnx\""));
        Assert.Contains(e.Errors, x => x.Path == "$.models[2]" && x.Problem.Contains("missing \"model\""));
        Assert.Contains(e.Errors, x => x.Path == "$.models[2].name" && x.Problem.Contains("used twice"));
        Assert.Contains(e.Errors, x => x.Path == "$.models[3].name" && x.Problem.Contains("not usable as a folder name"));
    }

    [Fact]
    public void Load_AnalysisNamingAnUnknownModel_SuggestsTheNearest()
    {
        var e = Invalid(Valid.Replace("{ \"kind\": \"target-rsa\" }", "{ \"kind\": \"target-rsa\", \"models\": [\"nett\"] }"));

        var error = Assert.Single(e.Errors);
        Assert.Equal("$.analyses[0].models[0]", error.Path);
        Assert.Equal("no model named 'nett' in this config. Did you mean: net?", error.Problem);
    }

    [Fact]
    public void Load_UnknownAnalysisKind_ListsTheValidKinds()
    {
        var e = Invalid(Valid.Replace("target-rsa", "layer-rsa"));

        var error = Assert.Single(e.Errors);
        Assert.Equal("$.analyses[0].kind", error.Path);
        Assert.Contains("unknown analysis kind 'layer-rsa'; valid kinds: target-rsa", error.Problem);
    }

    [Fact]
    public void Load_InvalidJson_SaysWhere()
    {
        var e = Invalid("{ \"stimuli\": \"stimuli.csv\",\n  \"output\": }");

        var error = Assert.Single(e.Errors);
        Assert.StartsWith("line 2", error.Path);
        Assert.Contains("not valid JSON", error.Problem);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var missing = _dir.File("nope.json");
        var e = Assert.Throws<FileNotFoundException>(() => _loader.Load(missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Load_MissingStimuliFile_NamesIt()
    {
        var e = Invalid(Valid.Replace("\"stimuli.csv\"", "\"nothing.csv\""));
        Assert.Contains("nothing.csv' does not exist", Assert.Single(e.Errors, x => x.Path == "$.stimuli").Problem);
    }

    public void Dispose() => _dir.Dispose();
}
