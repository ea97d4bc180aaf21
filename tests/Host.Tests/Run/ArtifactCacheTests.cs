using System.Diagnostics;
using RepLens.Abstractions.IO;
using RepLens.Host.Run;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Run;

/// <summary>The content-addressed cache: entries are used only when whole and as recorded; leftovers of dead writers are removed.</summary>
public sealed class ArtifactCacheTests : IDisposable
{
    private readonly TempDir _dir = new("replens-cache");
    private const string Key = "ab34567890abcdef";

    private ArtifactCache NewCache() => new(_dir.Path, new CacheStatistics());

    private string StoreMatrix(ArtifactCache cache, int rows = 4, int columns = 3)
    {
        var data = Enumerable.Range(0, rows * columns).Select(i => (float)i).ToArray();
        return cache.Store("activations", Key, t => Npy.Write(t, data, new long[] { rows, columns }),
            new Dictionary<string, object?> { ["what"] = "m/layer" }, ["a warning"]);
    }

    [Fact]
    public void Store_ThenTryGet_ReturnsTheEntryWithItsSidecar()
    {
        var cache = NewCache();
        var path = StoreMatrix(cache);

        Assert.True(cache.TryGet("activations", Key, new long[] { 4, 3 }, out var found));
        Assert.Equal(path, found);
        var sidecar = ArtifactCache.ReadSidecar(path)!;
        Assert.Equal(ArtifactCache.FormatVersion, sidecar["format"]!.GetValue<string>());
        Assert.Equal(new FileInfo(path).Length, sidecar["bytes"]!.GetValue<long>());
        Assert.Equal(ArtifactCache.Sha256(path), sidecar["sha256"]!.GetValue<string>());
        Assert.Equal(["a warning"], cache.WarningsOf("activations", Key));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void FormatVersion_ContainsTheMajorVersion_SoAnotherMajorNeverReadsTheEntries()
    {
        Assert.StartsWith($"replens{ArtifactCache.MajorVersion}-", ArtifactCache.FormatVersion);
    }

    [Fact]
    public void TryGet_TruncatedEntry_IsDeletedAndMissed()
    {
        var cache = NewCache();
        var path = StoreMatrix(cache);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(fs.Length - 4);

        Assert.False(cache.TryGet("activations", Key, new long[] { 4, 3 }, out _));
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(ArtifactCache.SidecarFor(path)));
    }

    [Fact]
    public void TryGet_OneByteChanged_HashMismatchIsDeletedAndMissed()
    {
        var cache = NewCache();
        var path = StoreMatrix(cache);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        Assert.Contains("SHA-256", ArtifactCache.Check(path));
        Assert.False(cache.TryGet("activations", Key, new long[] { 4, 3 }, out _));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TryGet_EntryWithoutSidecar_IsNotUsed()
    {
        var cache = NewCache();
        var path = StoreMatrix(cache);
        File.Delete(ArtifactCache.SidecarFor(path));

        Assert.False(cache.TryGet("activations", Key, new long[] { 4, 3 }, out _));
    }

    [Fact]
    public void TryGet_SidecarOfAnotherFormat_IsNotUsed()
    {
        var cache = NewCache();
        var path = StoreMatrix(cache);
        var sidecar = ArtifactCache.SidecarFor(path);
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace(ArtifactCache.FormatVersion, "replens0-cache1"));

        Assert.Contains("format", ArtifactCache.Check(path));
        Assert.False(cache.TryGet("activations", Key, new long[] { 4, 3 }, out _));
    }

    [Fact]
    public void TryGet_OtherShape_IsNotUsed()
    {
        var cache = NewCache();
        StoreMatrix(cache);
        Assert.False(cache.TryGet("activations", Key, new long[] { 3, 4 }, out _));
    }

    [Fact]
    public void Store_WriteThrows_LeavesNeitherEntryNorTemporary()
    {
        var cache = NewCache();
        Assert.Throws<InvalidOperationException>(() => cache.Store("rdms", Key, t =>
        {
            File.WriteAllText(t, "half");
            throw new InvalidOperationException("killed");
        }, new Dictionary<string, object?>()));

        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void RemoveAbandonedTemporaries_RemovesOnlyThoseOfGoneProcessesAndStaleOnesOfOtherMachines()
    {
        var cache = NewCache();
        var folder = Path.Combine(_dir.Path, "activations", "ab");
        Directory.CreateDirectory(folder);
        var final = Path.Combine(folder, Key + ".npy");
        using var live = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            var dead = $"{final}.tmp-{DeadPid()}@{AtomicFile.HostName}-{Guid.NewGuid():N}";
            var oldStyle = $"{final}.tmp-{DeadPid()}-{Guid.NewGuid():N}";
            var running = $"{final}.tmp-{live.Id}@{AtomicFile.HostName}-{Guid.NewGuid():N}";
            var mine = AtomicFile.TemporaryNameFor(final);
            var foreignRecent = $"{final}.tmp-{live.Id}@another-node-{Guid.NewGuid():N}";
            var foreignStale = $"{final}.tmp-{live.Id}@another-node-{Guid.NewGuid():N}";
            foreach (var f in new[] { dead, oldStyle, running, mine, foreignRecent, foreignStale }) File.WriteAllText(f, "x");
            File.SetLastWriteTimeUtc(foreignStale, DateTime.UtcNow - ArtifactCache.ForeignTemporaryAge - TimeSpan.FromHours(1));

            Assert.Equal(3, cache.RemoveAbandonedTemporaries());

            Assert.False(File.Exists(dead));
            Assert.False(File.Exists(oldStyle));
            Assert.False(File.Exists(foreignStale));
            Assert.True(File.Exists(running));
            Assert.True(File.Exists(mine));
            Assert.True(File.Exists(foreignRecent));
        }
        finally
        {
            live.Kill();
        }
    }

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }

    public void Dispose() => _dir.Dispose();
}
