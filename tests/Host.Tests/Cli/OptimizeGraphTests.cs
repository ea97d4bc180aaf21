using System.Text.Json;
using System.Text.Json.Nodes;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>"optimizeGraph": true</c>: ONNX Runtime's fused graph, cached apart from the exact extraction.</summary>
public sealed class OptimizeGraphTests : IDisposable
{
    private readonly TempDir _dir = new("replens-optimize-graph");

    private ReplensProcess.Result Replens(params string[] args) => ReplensProcess.Run(_dir.Path, args);

    [Fact]
    public void Run_OptimizedGraph_NeverReusesTheExactActivationsAndRecordsTheSetting()
    {
        var output = _dir.File("run");
        var exact = QuickstartConfig.Write(_dir.Path, output, layers: "\"layer1.0.relu_1\", \"avgpool\"", permutations: 0, bootstrap: 0);
        var json = JsonNode.Parse(File.ReadAllText(exact))!.AsObject();
        json["optimizeGraph"] = true;
        var fast = _dir.File("fast.json");
        File.WriteAllText(fast, json.ToJsonString());

        var first = Replens("run", exact, "-q");
        Assert.True(first.ExitCode == 0, first.ToString());
        var second = Replens("run", fast, "-q");
        Assert.True(second.ExitCode == 0, second.ToString());

        var cache = QuickstartConfig.Cache(output);
        Assert.Equal(2, cache.GetProperty("activationMisses").GetInt32()); // the exact run's entries are not the optimised ones
        Assert.Equal(0, cache.GetProperty("activationHits").GetInt32());
        var resolved = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json"))).RootElement;
        Assert.True(resolved.GetProperty("optimizeGraph").GetBoolean());

        var third = Replens("run", fast, "-q");
        Assert.True(third.ExitCode == 0, third.ToString());
        var again = QuickstartConfig.Cache(output); // now everything comes from the optimised entries
        Assert.Equal(0, again.GetProperty("activationMisses").GetInt32());
        Assert.Equal(0, again.GetProperty("rdmMisses").GetInt32());
    }

    public void Dispose() => _dir.Dispose();
}
