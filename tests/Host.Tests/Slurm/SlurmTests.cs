using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Slurm;

/// <summary>
/// <c>replens slurm --wait</c> against a real one-node Slurm cluster: the sharded quick-start merges
/// to the unsharded run's results, and a failed shard is reported and resubmitted alone.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmTests(SlurmCluster cluster) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDir _dir = new("replens-slurm-test");

    private ReplensProcess.Result Replens(params string[] args) => ReplensProcess.Run(_dir.Path, Limit, cluster.ClientEnvironment, args);

    private string Explain(ReplensProcess.Result r) => r + "\n" + cluster.Logs();

    [SkippableFact]
    public void SlurmWait_ShardedQuickstart_MergedResultsEqualTheUnshardedRun()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var reference = _dir.File("reference");
        Assert.Equal(0, Replens("run", QuickstartConfig.Write(_dir.Path, reference), "-q").ExitCode);
        var output = _dir.File("sharded");
        var config = QuickstartConfig.Write(_dir.Path, output);

        var r = Replens("slurm", config, "--shards", "4", "--wait", "--timeout", "4m");

        Assert.True(r.ExitCode == 0, Explain(r));
        Assert.Matches(@"submitted shards 0-3 of 4: job \d+", r.StdOut);
        Assert.Matches(@"submitted merge: job \d+", r.StdOut);
        Assert.Contains("all 4 shards and the merge finished", r.StdOut);
        QuickstartConfig.AssertSameResults(reference, output);
        var logs = Directory.GetFiles(Path.Combine(output, "slurm", "logs")).Select(Path.GetFileName).ToList();
        Assert.Equal(4, logs.Count(l => l!.StartsWith("shard-", StringComparison.Ordinal)));
        Assert.Single(logs, l => l!.StartsWith("merge.", StringComparison.Ordinal));
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        Assert.Equal(4, manifest.GetProperty("sharding").GetProperty("runs").GetArrayLength());
        Assert.Equal(0, manifest.GetProperty("cache").GetProperty("activationMisses").GetInt32());
    }

    [SkippableFact]
    public void SlurmWait_FailedShard_IsReportedAndResubmittedAlone()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        // A vectors target whose ids miss one stimulus: only the shard that computes it fails.
        var stimuli = CsvTable.Read(QuickstartConfig.Quickstart("stimuli.csv")).Rows.Select(r => r[0]).ToList();
        var ids = _dir.File("ids.txt");
        var vectors = _dir.File("vectors.npy");
        void WriteVectors(int rows)
        {
            File.WriteAllLines(ids, stimuli.Take(rows));
            Npy.Write(vectors, Enumerable.Range(0, rows * 3).Select(i => (float)Math.Sin(i)).ToArray(), new long[] { rows, 3 });
        }
        WriteVectors(stimuli.Count - 1);
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output, layers: "\"layer3.0.relu_1\", \"avgpool\"",
            targets: $$"""{ "name": "category", "kind": "category" }, { "name": "vec", "kind": "vectors", "options": { "file": {{JsonSerializer.Serialize(vectors)}}, "ids": {{JsonSerializer.Serialize(ids)}} } }""");

        var first = Replens("slurm", config, "--shards", "3", "--split-stimuli", "1", "--wait", "--timeout", "4m");

        Assert.True(first.ExitCode == 1, Explain(first));
        var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "shards", "plan.json"))).RootElement;
        int failed = plan.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "vec").GetProperty("shard").GetInt32();
        Assert.Contains($"1 of 3 shards failed: {failed}", first.StdOut);
        Assert.Contains("no row in", first.StdOut); // the tail of the failed shard's log
        Assert.Contains($"--only {failed}", first.StdOut);
        Assert.False(File.Exists(Path.Combine(output, "manifest.json")));
        var others = Enumerable.Range(0, 3).Where(s => s != failed).ToDictionary(s => s, s => File.ReadAllText(Path.Combine(output, "shards", $"{s}-of-3.json")));

        WriteVectors(stimuli.Count);
        var again = Replens("slurm", config, "--shards", "3", "--split-stimuli", "1", "--only", failed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--wait", "--timeout", "4m");

        Assert.True(again.ExitCode == 0, Explain(again));
        Assert.Contains($"submitted shards {failed} of 3", again.StdOut);
        foreach (var (s, marker) in others) Assert.Equal(marker, File.ReadAllText(Path.Combine(output, "shards", $"{s}-of-3.json"))); // not rerun
        var table = CsvTable.Read(Path.Combine(output, "tables", "target_rsa.csv"));
        Assert.Equal(4, table.Rows.Count); // two layers × two targets
    }

    public void Dispose() => _dir.Dispose();
}
