using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

public sealed class NpyRowWriterTests
{
    [Fact]
    public void Commit_AllRows_WritesReadableMatrix()
    {
        using var dir = new TempDir();
        var path = dir.File("acts.npy");
        using (var w = new NpyRowWriter(path, 3, 4))
        {
            for (int r = 0; r < 3; r++) w.AppendRow(Enumerable.Range(0, 4).Select(c => r * 10f + c).ToArray());
            Assert.False(File.Exists(path));
            w.Commit();
        }
        var a = Npy.ReadFloat32(path);
        Assert.Equal(new long[] { 3, 4 }, a.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23 }, a.Data);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothing()
    {
        using var dir = new TempDir();
        using (var w = new NpyRowWriter(dir.File("acts.npy"), 2, 2))
            w.AppendRow([1f, 2f]);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Commit_MissingRows_ThrowsAndLeavesNothing()
    {
        using var dir = new TempDir();
        using var w = new NpyRowWriter(dir.File("acts.npy"), 2, 2);
        w.AppendRow([1f, 2f]);
        var ex = Assert.Throws<InvalidOperationException>(w.Commit);
        Assert.Contains("1 of 2 rows", ex.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AppendRow_WrongLengthOrTooMany_Throws()
    {
        using var dir = new TempDir();
        using var w = new NpyRowWriter(dir.File("acts.npy"), 1, 2);
        Assert.Throws<ArgumentException>(() => w.AppendRow([1f]));
        w.AppendRow([1f, 2f]);
        Assert.Throws<InvalidOperationException>(() => w.AppendRow([1f, 2f]));
    }
}
