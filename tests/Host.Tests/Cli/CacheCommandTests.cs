using System.Text.Json;
using RepLens.Host.Run;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens cache ls|verify|prune</c> on the cache of a small run.</summary>
public sealed class CacheCommandTests : IDisposable
{
    private readonly TempDir _dir = new("replens-cachecmd");
    private readonly string _output;
    private readonly string _config;

    public CacheCommandTests()
    {
        _output = _dir.File("run");
        _config = QuickstartConfig.Write(_dir.Path, _output, layers: "\"layer4.0.relu_1\", \"avgpool\"", permutations: 0, bootstrap: 0);
        var r = ReplensProcess.Run(_dir.Path, "run", _config, "-q");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private ReplensProcess.Result Replens(params string[] args) => ReplensProcess.Run(_dir.Path, args);

    private string Cache => Path.Combine(_output, "cache");

    [Fact]
    public void Ls_RunFolderConfigOrCache_ListsTheSameEntriesWithWhatTheyAre()
    {
        var byRun = Replens("cache", "ls", _output, "--json");
        var byConfig = Replens("cache", "ls", _config, "--json", "-q");
        var byCache = Replens("cache", "ls", "--cache", Cache, "--json");

        Assert.True(byRun.ExitCode == 0, byRun.ToString());
        Assert.Equal(byRun.StdOut, byConfig.StdOut);
        Assert.Equal(byRun.StdOut, byCache.StdOut);
        var ls = JsonDocument.Parse(byRun.StdOut).RootElement;
        var entries = ls.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count(e => e.GetProperty("kind").GetString() == "activations"));
        Assert.Equal(3, entries.Count(e => e.GetProperty("kind").GetString() == "rdms"));
        Assert.Contains(entries, e => e.GetProperty("what").GetString() == "tiny/avgpool");
        Assert.Contains(entries, e => e.GetProperty("what").GetString() == "tiny/avgpool cosine");
        var text = Replens("cache", "ls", _output);
        Assert.Contains("activations: 2 entries", text.StdOut);
        Assert.Contains("rdms: 3 entries", text.StdOut);
    }

    [Fact]
    public void Verify_CorruptEntryAndAbandonedTemporary_ReportsThemAndFixRemovesThem()
    {
        var entry = CacheMaintenance.Read(Cache).Entries.First(e => e.Kind == "activations");
        var bytes = File.ReadAllBytes(entry.Path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(entry.Path, bytes);
        var abandoned = entry.Path + ".tmp-999999999@" + RepLens.Abstractions.IO.AtomicFile.HostName + "-0123456789abcdef0123456789abcdef";
        File.WriteAllText(abandoned, "half");

        var check = Replens("cache", "verify", _output);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"corrupt: activations/{entry.Key}", check.StdOut);
        Assert.Contains("SHA-256", check.StdOut);
        Assert.Contains("abandoned (its process is gone)", check.StdOut);
        Assert.True(File.Exists(entry.Path)); // verify alone changes nothing

        var fix = Replens("cache", "verify", _output, "--fix");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.False(File.Exists(entry.Path));
        Assert.False(File.Exists(abandoned));
        Assert.Equal(0, Replens("cache", "verify", _output).ExitCode);

        // The next run recomputes the deleted entry.
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", _config, "-q").ExitCode);
        Assert.Equal(0, Replens("cache", "verify", _output).ExitCode);
    }

    [Fact]
    public void Prune_OlderThanAndKeep_DeletesOnlyUnusedOldEntries()
    {
        var other = _dir.File("other");
        var otherConfig = QuickstartConfig.Write(_dir.Path, other, layers: "\"layer3.0.relu_1\"", permutations: 0, bootstrap: 0);
        File.WriteAllText(otherConfig, File.ReadAllText(otherConfig).Replace("\"seed\"", $"\"cache\": {JsonSerializer.Serialize(Cache)},\n  \"seed\""));
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", otherConfig, "-q").ExitCode);
        int before = CacheMaintenance.Read(Cache).Entries.Count;
        Assert.Equal(7, before); // 2 + 1 activations, 2 + 1 layer RDMs, one target RDM shared by both runs

        var dry = Replens("cache", "prune", "--cache", Cache, "--all", "--keep", _output, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("would delete 2 of 7 entries", dry.StdOut);
        Assert.Equal(before, CacheMaintenance.Read(Cache).Entries.Count);

        var young = Replens("cache", "prune", "--cache", Cache, "--older-than", "1h");
        Assert.Contains("deleted 0 of 7 entries", young.StdOut);

        var pruned = Replens("cache", "prune", "--cache", Cache, "--all", "--keep", _output);
        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        var left = CacheMaintenance.Read(Cache).Entries;
        Assert.Equal(5, left.Count);
        Assert.DoesNotContain(left, e => e.What.Contains("layer3.0", StringComparison.Ordinal));

        // The kept run is still a complete cache hit.
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "run", _config, "-q").ExitCode);
        Assert.Equal(0, QuickstartConfig.Cache(_output).GetProperty("rdmMisses").GetInt32());
    }

    [Fact]
    public void Ls_NotACache_SaysWhatItExpected()
    {
        var r = Replens("cache", "ls", _dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a run folder or a cache", r.StdErr);
    }

    public void Dispose() => _dir.Dispose();
}
