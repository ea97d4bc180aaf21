using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens run</c> end to end on the quick-start data (two layers, to stay fast).</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDir _dir = new("replens-run");

    private static string Quickstart(string path) => Path.Combine(Repo.Root, "examples", "quickstart", path);

    private string WriteConfig(string output, int seed = 1, string layers = "\"layer2.1.relu_1\", \"avgpool\"", string family = "resnet", string extra = "")
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "stimuli": {{JsonSerializer.Serialize(Quickstart("stimuli.csv"))}},
              "output": {{JsonSerializer.Serialize(output)}},
              "seed": {{seed}},
              {{extra}}
              "models": [ { "name": "tiny", "family": "{{family}}", "onnx": {{JsonSerializer.Serialize(Quickstart("models/tiny_cnn.onnx"))}}, "layers": [ {{layers}} ] } ],
              "targets": [ { "name": "category", "kind": "category" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 200, "bootstrap": 50 } ]
            }
            """);
        return path;
    }

    [Fact]
    public void Run_Quickstart_WritesTheRunFolderAndMatchesAnIndependentComputation()
    {
        var output = _dir.File("run");
        var r = ReplensProcess.Run(_dir.Path, "run", WriteConfig(output));
        Assert.True(r.ExitCode == 0, r.ToString());

        foreach (var f in new[] { "config.json", "manifest.json", "stimuli.csv", "tables/target_rsa.csv", "figures/target_rsa.png", "figures/target_rsa.svg",
                     "rdms/tiny/avgpool.npy", "rdms/tiny/layer2.1.relu_1.npy", "rdms/targets/category.npy" })
            Assert.True(File.Exists(Path.Combine(output, f)), $"missing {f}\n{r}");
        Assert.Empty(Directory.GetFiles(output, "*.tmp-*", SearchOption.AllDirectories));

        var table = CsvTable.Read(Path.Combine(output, "tables", "target_rsa.csv"));
        Assert.Equal(new[] { "model", "layer", "depth", "target", "r", "p", "p_fdr", "ci_low", "ci_high" }, table.Header.Take(9));
        Assert.Equal(2, table.Rows.Count);

        // Independent oracle: activations from `replens extract`, then a naive cosine RDM and a naive Spearman.
        var extracted = _dir.File("extracted");
        var e = ReplensProcess.Run(_dir.Path, "extract", "--onnx", Quickstart("models/tiny_cnn.onnx"), "--family", "resnet",
            "--images", Quickstart("stimuli.csv"), "--layers", "avgpool", "--out", extracted);
        Assert.True(e.ExitCode == 0, e.ToString());
        var x = Npy.ReadFloat64(Path.Combine(extracted, "avgpool.npy"));
        int n = x.Dimension(0), p = x.Dimension(1);
        var rdm = Npy.ReadFloat64(Path.Combine(output, "rdms", "tiny", "avgpool.npy"));
        var categories = CsvTable.Read(Quickstart("stimuli.csv")).Rows.Select(row => row[2]).ToArray();
        var layerValues = new List<double>();
        var modelValues = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double dot = 0, ni = 0, nj = 0;
                for (int k = 0; k < p; k++)
                {
                    double a = x.Data[i * p + k], b = x.Data[j * p + k];
                    dot += a * b; ni += a * a; nj += b * b;
                }
                double expected = 1 - dot / Math.Sqrt(ni * nj);
                Assert.Equal(expected, rdm.Data[i * n + j], 1e-5);
                layerValues.Add(rdm.Data[i * n + j]);
                modelValues.Add(categories[i] == categories[j] ? 0 : 1);
            }
        var row = table.Rows.Single(x => x[1] == "avgpool");
        Assert.Equal(Oracles.Spearman(layerValues, modelValues), double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture), 1e-9);
        var pValue = double.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pValue, 1.0 / 201, 1.0);

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        Assert.Equal(1, manifest.GetProperty("seed").GetInt32());
        Assert.Equal(48, manifest.GetProperty("stimuli").GetProperty("count").GetInt32());
        Assert.Equal(2, manifest.GetProperty("cache").GetProperty("activationMisses").GetInt32());
    }

    [Fact]
    public void Run_Rerun_ComesFromTheCacheAndGivesIdenticalTables()
    {
        var output = _dir.File("run");
        var config = WriteConfig(output);
        var first = ReplensProcess.Run(_dir.Path, "run", config);
        Assert.True(first.ExitCode == 0, first.ToString());
        var table = File.ReadAllBytes(Path.Combine(output, "tables", "target_rsa.csv"));

        var second = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(table, File.ReadAllBytes(Path.Combine(output, "tables", "target_rsa.csv")));
        var cache = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement.GetProperty("cache");
        Assert.Equal(0, cache.GetProperty("activationMisses").GetInt32());
        Assert.Equal(0, cache.GetProperty("rdmMisses").GetInt32());
        Assert.Equal(3, cache.GetProperty("rdmHits").GetInt32()); // two layers and the target: nothing recomputed, nothing extracted
    }

    [Fact]
    public void Run_AnotherSeed_ChangesOnlyTheRandomColumns()
    {
        var a = _dir.File("a");
        var b = _dir.File("b");
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", WriteConfig(a, seed: 1)).ExitCode);
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", WriteConfig(b, seed: 2)).ExitCode);

        var ta = CsvTable.Read(Path.Combine(a, "tables", "target_rsa.csv")).Rows;
        var tb = CsvTable.Read(Path.Combine(b, "tables", "target_rsa.csv")).Rows;
        Assert.Equal(ta.Select(r => r[4]), tb.Select(r => r[4]));
        Assert.NotEqual(ta.Select(r => r[7]), tb.Select(r => r[7]));
    }

    [Fact]
    public void Run_BadConfig_ReportsEveryErrorAndWritesNothing()
    {
        var output = _dir.File("never");
        var config = WriteConfig(output, layers: "\"layer9.relu\"", family: "resnett");

        var r = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("$.models[0].family: no model extractor 'resnett' is registered.", r.StdErr);
        Assert.Contains("resnet", r.StdErr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_UnknownLayer_ListsTheNearestNames()
    {
        var output = _dir.File("never");
        var r = ReplensProcess.Run(_dir.Path, "run", WriteConfig(output, layers: "\"layer9.relu\""));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("$.models[0].layers:", r.StdErr);
        Assert.Contains("layer9.relu", r.StdErr);
        Assert.Contains("layer1.0.relu", r.StdErr);
        Assert.False(Directory.Exists(output));
    }

    public void Dispose() => _dir.Dispose();
}
