using RepLens.Abstractions.IO;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

/// <summary>Temporary names say which process on which machine writes them (caches shared by cluster nodes rely on it).</summary>
public sealed class AtomicFileNameTests
{
    [Fact]
    public void TemporaryNameFor_NamesThisProcessAndHost()
    {
        var name = AtomicFile.TemporaryNameFor("/data/cache/x.npy");

        Assert.True(AtomicFile.IsTemporary(name));
        Assert.True(AtomicFile.TryGetWriter(name, out var pid, out var host));
        Assert.Equal(Environment.ProcessId, pid);
        Assert.Equal(AtomicFile.HostName, host);
    }

    [Fact]
    public void TryGetWriter_NameWithoutHost_ReadsThePid()
    {
        Assert.True(AtomicFile.TryGetWriter("/c/x.npy.tmp-1234-0123456789abcdef0123456789abcdef", out var pid, out var host));
        Assert.Equal(1234, pid);
        Assert.Null(host);
    }

    [Fact]
    public void TryGetWriter_HostWithDashes_ReadsHostAndPid()
    {
        Assert.True(AtomicFile.TryGetWriter("/c/x.npy.tmp-77@node-a-12-0123456789abcdef0123456789abcdef", out var pid, out var host));
        Assert.Equal(77, pid);
        Assert.Equal("node-a-12", host);
    }

    [Fact]
    public void TryGetWriter_NotATemporary_ReturnsFalse()
    {
        Assert.False(AtomicFile.TryGetWriter("/c/x.npy", out _, out _));
    }
}
