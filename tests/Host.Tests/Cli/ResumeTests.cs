using System.Diagnostics;
using RepLens.Host.Run;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary>
/// <c>replens run</c> killed with SIGKILL at several moments, then run again: the results are those of
/// an uninterrupted run byte for byte, and what was finished before the kill is reused, not recomputed.
/// </summary>
public sealed class ResumeTests(UnshardedReference reference) : IClassFixture<UnshardedReference>, IDisposable
{
    private const int Layers = 6, Rdms = Layers + 1; // six layer RDMs and the target's
    private readonly TempDir _dir = new("replens-resume");

    [Theory]
    [InlineData("activations", true, 1)]   // while the activation files are being written (temporaries only)
    [InlineData("activations", false, 1)]  // as soon as the first activation entry is in place
    [InlineData("rdms", false, 3)]         // during the RDMs
    [InlineData("tables", false, 1)]       // after the table, before figures and the manifest
    public void Run_KilledAtAPoint_RerunGivesIdenticalResultsAndReusesFinishedWork(string folder, bool temporary, int count)
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);
        var watched = folder == "tables" ? Path.Combine(output, "tables") : Path.Combine(output, "cache", folder);

        bool killed = RunAndKill(config, () => Count(watched, temporary) >= count);

        Assert.True(killed, $"the run finished before {count} {(temporary ? "temporary" : "")} file(s) appeared in {watched}");
        Assert.False(File.Exists(Path.Combine(output, "manifest.json")));
        var cache = Path.Combine(output, "cache");
        int activationsDone = Valid(cache, "activations"), rdmsDone = Valid(cache, "rdms");

        var rerun = ReplensProcess.Run(_dir.Path, "run", config, "-q");

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        QuickstartConfig.AssertSameResults(reference.Output, output);
        var stats = QuickstartConfig.Cache(output);
        Assert.Equal(rdmsDone, stats.GetProperty("rdmHits").GetInt32());
        Assert.Equal(Rdms - rdmsDone, stats.GetProperty("rdmMisses").GetInt32());
        if (rdmsDone < Rdms)
        {
            // Activations were needed again: those finished before the kill came from the cache.
            Assert.Equal(activationsDone, stats.GetProperty("activationHits").GetInt32());
            Assert.Equal(Layers - activationsDone, stats.GetProperty("activationMisses").GetInt32());
        }
        Assert.Empty(Directory.GetFiles(cache, "*.tmp-*", SearchOption.AllDirectories));
        Assert.All(CacheMaintenance.Read(cache).Entries, e => Assert.Null(ArtifactCache.Check(e.Path)));
    }

    [Fact]
    public void Run_HalfWrittenEntryUnderItsFinalName_IsDetectedAndRedone()
    {
        var output = _dir.File("run");
        var config = QuickstartConfig.Write(_dir.Path, output);
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", config, "-q").ExitCode);
        var entry = CacheMaintenance.Read(Path.Combine(output, "cache")).Entries.First(e => e.Kind == "rdms");
        using (var fs = new FileStream(entry.Path, FileMode.Open)) fs.SetLength(fs.Length / 2);

        var rerun = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("is not usable", rerun.StdErr);
        Assert.Equal(1, QuickstartConfig.Cache(output).GetProperty("rdmMisses").GetInt32());
        QuickstartConfig.AssertSameResults(reference.Output, output);
    }

    /// <summary>Starts the run and SIGKILLs it as soon as <paramref name="condition"/> holds; false if it finished first.</summary>
    private bool RunAndKill(string config, Func<bool> condition)
    {
        using var p = ReplensProcess.Start(_dir.Path, null, "run", config, "-q");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (condition())
                {
                    p.Kill(); // SIGKILL on Unix: no handler, no cleanup
                    p.WaitForExit();
                    return true;
                }
                if (p.HasExited) return false;
                Thread.Sleep(2);
            }
            throw new TimeoutException("the run did not reach the kill point in 3 minutes");
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    private static int Count(string folder, bool temporary) =>
        !Directory.Exists(folder) ? 0
            : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Count(f => temporary ? f.Contains(".tmp-", StringComparison.Ordinal) : !f.Contains(".tmp-", StringComparison.Ordinal) && !f.EndsWith(".json", StringComparison.Ordinal));

    private static int Valid(string cache, string kind) =>
        CacheMaintenance.Read(cache).Entries.Count(e => e.Kind == kind && ArtifactCache.Check(e.Path) is null);

    public void Dispose() => _dir.Dispose();
}
