using System.Diagnostics;
using RepLens.Host.Scheduling;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens slurm --dry-run</c>: the scripts it writes (no cluster needed).</summary>
public sealed class SlurmScriptTests : IDisposable
{
    private readonly TempDir _dir = new("replens-sbatch");

    [Fact]
    public void DryRun_WritesAnArrayScriptAndAMergeScriptAndSubmitsNothing()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);

        var r = ReplensProcess.Run(_dir.Path, "slurm", config, "--shards", "3", "--split-stimuli", "1", "--dry-run", "--partition", "debug",
            "--time", "1:00:00", "--mem", "2G", "--cpus", "2", "--extra", "--account=lab --qos long", "-q");

        Assert.True(r.ExitCode == 0, r.ToString());
        var shards = File.ReadAllText(Path.Combine(output, "slurm", "shards.sbatch"));
        var merge = File.ReadAllText(Path.Combine(output, "slurm", "merge.sbatch"));
        Assert.Contains("#SBATCH --array=0-2\n", shards);
        foreach (var line in new[] { "#SBATCH --partition=debug\n", "#SBATCH --time=1:00:00\n", "#SBATCH --mem=2G\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --account=lab\n", "#SBATCH --qos long\n" })
        {
            Assert.Contains(line, shards);
            Assert.Contains(line, merge);
        }
        // This very host, by absolute path, so that a node runs the same RepLens.
        Assert.Contains($"{ReplensProcess.HostDll} run {config} --shard \"$SLURM_ARRAY_TASK_ID\"/3 --split-stimuli 1\n", shards);
        Assert.Contains($"{ReplensProcess.HostDll} merge {output}\n", merge);
        Assert.Contains("dry run: nothing submitted", r.StdOut);
        Assert.Contains("--dependency=afterok:$A", r.StdOut);
        Assert.False(File.Exists(Path.Combine(output, "slurm", "jobs.json")));
        Assert.True(File.Exists(Path.Combine(output, "shards", "plan.json")));
        foreach (var script in new[] { "shards.sbatch", "merge.sbatch" })
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", Path.Combine(output, "slurm", script)]) { RedirectStandardError = true })!;
            var error = bash.StandardError.ReadToEnd();
            Assert.True(bash.WaitForExit(10_000) && bash.ExitCode == 0, $"{script}: {error}");
        }
    }

    [Fact]
    public void DryRun_OnlyAShardOutOfRange_IsAnError()
    {
        var config = QuickstartConfig.Write(_dir.Path, _dir.File("run"));
        var r = ReplensProcess.Run(_dir.Path, "slurm", config, "--shards", "2", "--only", "2", "--dry-run");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("shards are numbered 0 … 1", r.StdErr);
    }

    [Theory]
    [InlineData("--account=lab --qos long", new[] { "--account=lab", "--qos long" })]
    [InlineData("  -A lab   --exclusive ", new[] { "-A lab", "--exclusive" })]
    [InlineData("", new string[0])]
    public void ExtraOptions_SplitsIntoOneSbatchLinePerOption(string extra, string[] expected)
    {
        Assert.Equal(expected, SlurmScheduler.ExtraOptions(extra));
    }

    [Fact]
    public void ArraySpec_AllOrSome_UsesARangeOrAList()
    {
        Assert.Equal("0-3", SlurmScheduler.ArraySpec([0, 1, 2, 3], 4));
        Assert.Equal("1,3", SlurmScheduler.ArraySpec([1, 3], 4));
    }

    public void Dispose() => _dir.Dispose();
}
