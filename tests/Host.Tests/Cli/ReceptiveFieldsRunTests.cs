using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Analyses;
using RepLens.Host.Configuration;
using RepLens.Rsa.ReceptiveFields;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>"kind": "receptive-fields"</c> in a config: its settings, and a run with two networks side by side.</summary>
public sealed class ReceptiveFieldsRunTests : IDisposable
{
    private readonly TempDir _dir = new("replens-rf-run");

    public void Dispose() => _dir.Dispose();

    private static string Model(string name) => Repo.Fixture("receptive_fields", "models", name);

    private string WriteConfig(string output, string analysis, int models = 2)
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        var entries = new[] { ("before", "vgg_tiny.onnx"), ("after", "vgg_tiny_tuned.onnx"), ("third", "vgg_tiny.onnx") }.Take(models)
            .Select(m => $$"""{ "name": "{{m.Item1}}", "family": "resnet", "onnx": {{JsonSerializer.Serialize(Model(m.Item2))}}, "layers": ["features.4"] }""");
        File.WriteAllText(path, $$"""
            {
              "stimuli": {{JsonSerializer.Serialize(Path.Combine(Repo.Root, "examples", "quickstart", "stimuli.csv"))}},
              "output": {{JsonSerializer.Serialize(output)}},
              "models": [ {{string.Join(", ", entries)}} ],
              "analyses": [ {{analysis}} ]
            }
            """);
        return path;
    }

    private static ConfigLoader Loader => new(new IAnalysisKind[] { new ReceptiveFieldsAnalysis() });

    [Fact]
    public void ParseSettings_Defaults_AreThePapersSweepAtTheCentre()
    {
        var config = Loader.Load(WriteConfig(_dir.File("out"), """{ "kind": "receptive-fields", "models": ["before"], "layers": ["features.14"] }"""));

        var s = Assert.IsType<ReceptiveFieldsSettings>(Assert.Single(config.Analyses).Settings);
        Assert.Equal(new[] { "before" }, s.Models);
        Assert.Equal(new[] { 0.5, 1, 1.5, 2, 2.5, 3 }, s.Options.Constants);
        Assert.Null(s.Options.Channels);
        Assert.Null(s.Options.Position);
        Assert.Equal(BackProjectionBias.None, s.Options.Bias);
        Assert.True(s.Options.Validate);
    }

    [Fact]
    public void ParseSettings_BadValues_ReportedTogetherWithTheirPaths()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => Loader.Load(WriteConfig(_dir.File("out"), """
            { "kind": "receptive-fields", "units": "some", "position": [1], "constants": [1, -2], "bias": "both", "maxTiles": 0 }
            """, models: 3)));

        var paths = e.Errors.Select(x => x.Path).ToList();
        Assert.Contains("$.analyses[0].models", paths);
        Assert.Contains("$.analyses[0].layers", paths);
        Assert.Contains("$.analyses[0].units", paths);
        Assert.Contains("$.analyses[0].position", paths);
        Assert.Contains("$.analyses[0].constants", paths);
        Assert.Contains("$.analyses[0].bias", paths);
        Assert.Contains("$.analyses[0].maxTiles", paths);
    }

    [Fact]
    public void Run_TwoNetworksSideBySide_WritesPatternsFiguresSimilarityAndTheNotes()
    {
        var output = _dir.File("run");
        var config = WriteConfig(output, """
            { "kind": "receptive-fields", "models": ["before", "after"], "layers": ["features.4", "features.14"], "units": [0, 1, 2], "constants": [1, 3], "bias": "include" }
            """);

        var r = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var f in new[] { "receptive_fields/before/patterns.npy", "receptive_fields/after/units.csv", "receptive_fields/after/validation.csv",
                     "receptive_fields/before/constants.csv", "tables/receptive_fields_similarity.csv", "figures/receptive_fields_similarity_before_vs_after.png",
                     "figures/receptive_fields_before_vs_after_features.14_sweep_fixed.png", "report.html" })
            Assert.True(File.Exists(Path.Combine(output, f)), $"missing {f}\n{r}");
        Assert.Equal(new long[] { 6, 2, 3, 24, 24 }, Npy.ReadHeader(Path.Combine(output, "receptive_fields", "before", "patterns.npy")).Shape);

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        var analysis = manifest.GetProperty("analyses").EnumerateArray().Single();
        Assert.Equal("receptive-fields", analysis.GetProperty("kind").GetString());
        var stats = analysis.GetProperty("statistics");
        Assert.StartsWith("Biases included: the pattern does not scale with c", stats.GetProperty("homogeneity (beside the sweep figures)").GetString());
        Assert.Contains("one fixed display range for the whole sweep", stats.GetProperty("figures: *_fixed.png").GetString());
        Assert.Contains("per-tile scaling", stats.GetProperty("figures: *_tile.png").GetString());
        Assert.True(stats.TryGetProperty("clamped channel first: after features.14", out _));
        var outputs = manifest.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()).ToList();
        Assert.Contains("receptive_fields/before/patterns.npy", outputs);
        Assert.Contains("tables/receptive_fields_similarity.csv", outputs);
    }
}
