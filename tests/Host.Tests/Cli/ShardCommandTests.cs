using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens plan</c>, <c>run --shard</c> and <c>merge</c>: the merged run equals the unsharded one byte for byte.</summary>
public sealed class ShardCommandTests(UnshardedReference reference) : IClassFixture<UnshardedReference>, IDisposable
{
    private readonly TempDir _dir = new("replens-shards");

    private ReplensProcess.Result Replens(params string[] args) => ReplensProcess.Run(_dir.Path, args);

    private static void AssertSameActivations(string expectedRun, string actualRun)
    {
        var expected = Path.Combine(expectedRun, "cache", "activations");
        foreach (var f in Directory.EnumerateFiles(expected, "*.npy", SearchOption.AllDirectories))
        {
            var other = Path.Combine(actualRun, "cache", "activations", Path.GetRelativePath(expected, f));
            Assert.True(File.Exists(other), $"no {other}");
            Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(other)), $"{Path.GetFileName(f)} differs");
        }
    }

    [Fact]
    public void PlanJson_ListsEveryLayerOnceOverTheShards()
    {
        var config = QuickstartConfig.Write(_dir.Path, _dir.File("run"));
        var r = Replens("plan", config, "--shards", "3", "--split-stimuli", "1", "--json", "-q");

        Assert.True(r.ExitCode == 0, r.ToString());
        var plan = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.Equal(3, plan.GetProperty("shards").GetInt32());
        var units = plan.GetProperty("units").EnumerateArray().ToList();
        var layers = units.Where(u => u.GetProperty("kind").GetString() == "extract")
            .SelectMany(u => u.GetProperty("layers").EnumerateArray().Select(l => l.GetString())).ToList();
        Assert.Equal(new[] { "relu", "layer1.0.relu_1", "layer2.0.relu_1", "layer3.0.relu_1", "layer4.0.relu_1", "avgpool" }, layers);
        Assert.Equal(new[] { 0, 1, 2 }, units.Select(u => u.GetProperty("shard").GetInt32()).Distinct().Order());
        Assert.False(Directory.Exists(_dir.File("run")));
    }

    [Fact]
    public void ShardsThenMerge_SplitByLayerGroups_EqualsTheUnshardedRunByteForByte()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);
        for (int i = 0; i < 3; i++)
        {
            var s = Replens("run", config, "--shard", $"{i}/3", "--split-stimuli", "1", "-q");
            Assert.True(s.ExitCode == 0, s.ToString());
        }
        // A shard writes nothing but its marker (and the plan) besides the cache.
        Assert.Equal(new[] { "cache", "shards" }, Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());
        Assert.Equal(new[] { "0-of-3.json", "1-of-3.json", "2-of-3.json", "plan.json" },
            Directory.GetFiles(Path.Combine(output, "shards")).Select(Path.GetFileName).Order());

        var m = Replens("merge", output, "-q");

        Assert.True(m.ExitCode == 0, m.ToString());
        QuickstartConfig.AssertSameResults(reference.Output, output);
        AssertSameActivations(reference.Output, output);
        var cache = QuickstartConfig.Cache(output);
        Assert.Equal(0, cache.GetProperty("activationMisses").GetInt32());
        Assert.Equal(0, cache.GetProperty("rdmMisses").GetInt32()); // every RDM was computed by a shard
        Assert.Equal(7, cache.GetProperty("rdmHits").GetInt32());
        var sharding = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement.GetProperty("sharding");
        Assert.Equal(3, sharding.GetProperty("shards").GetInt32());
        Assert.Equal(3, sharding.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public void ShardsThenMerge_SplitOverStimuli_AssemblesRowBlocksByteForByte()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);
        for (int i = 0; i < 2; i++)
        {
            var s = Replens("run", config, "--shard", $"{i}/2", "--split-stimuli", "2", "-q");
            Assert.True(s.ExitCode == 0, s.ToString());
        }

        var m = Replens("merge", output, "-q");

        Assert.True(m.ExitCode == 0, m.ToString());
        QuickstartConfig.AssertSameResults(reference.Output, output);
        AssertSameActivations(reference.Output, output);
        var sharding = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement.GetProperty("sharding");
        Assert.Equal(6, sharding.GetProperty("assembledActivations").GetInt32());
        Assert.Equal(2, sharding.GetProperty("splitStimuli").GetInt32());
        Assert.Equal(6, QuickstartConfig.Cache(output).GetProperty("rdmMisses").GetInt32()); // layer RDMs of split layers are built at the merge; the target's by a shard
    }

    [Fact]
    public void Merge_ShardMissing_NamesItAndHowToRerunIt()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);
        Assert.Equal(0, Replens("run", config, "--shard", "0/2", "-q").ExitCode);

        var m = Replens("merge", output);

        Assert.Equal(2, m.ExitCode);
        Assert.Contains("1 of 2 shards are not finished", m.StdErr);
        Assert.Contains("shard 1: not finished (no marker 1-of-2.json)", m.StdErr);
        Assert.Contains($"--shard 1/2", m.StdErr);
        Assert.DoesNotContain("--shard 0/2", m.StdErr);
        Assert.False(File.Exists(Path.Combine(output, "manifest.json")));
    }

    [Fact]
    public void Merge_EntryOfAShardCorrupted_NamesTheShard()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output, layers: "\"layer4.0.relu_1\", \"avgpool\"");
        foreach (var i in new[] { 0, 1 }) Assert.Equal(0, Replens("run", config, "--shard", $"{i}/2", "--split-stimuli", "1", "-q").ExitCode);
        var marker = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "shards", "1-of-2.json"))).RootElement;
        var entry = marker.GetProperty("units")[0].GetProperty("entries")[0].GetString()!.Split('/');
        var path = Path.Combine(output, "cache", entry[0], entry[1][..2], entry[1] + ".npy");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);

        var m = Replens("merge", output);

        Assert.Equal(2, m.ExitCode);
        Assert.Contains("shard 1: cache entry", m.StdErr);
        Assert.Contains("SHA-256", m.StdErr);
        Assert.Contains("--shard 1/2", m.StdErr);
    }

    [Fact]
    public void RunShard_BadShardNumber_ExplainsTheNumbering()
    {
        var config = QuickstartConfig.Write(_dir.Path, _dir.File("run"));
        var r = Replens("run", config, "--shard", "2/2");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("numbered from 0", r.StdErr);
    }

    public void Dispose() => _dir.Dispose();
}
