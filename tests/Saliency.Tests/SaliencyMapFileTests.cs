using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Saliency.Tests;

public class SaliencyMapFileTests
{
    [Fact]
    public void Read_PngAndNpy_ValuesAsStored()
    {
        var gray = SaliencyMapFile.Read(Fixtures.Path("maps", "s1.png"));
        Assert.Equal((16, 12), (gray.Width, gray.Height));
        Assert.Equal(16 * 5 / 255f, gray[3, 5]);
        var npy = SaliencyMapFile.Read(Fixtures.Path("maps", "s2.npy"));
        Assert.Equal((16, 12), (npy.Width, npy.Height));
        Assert.Equal((3 * 16 + 5) / 191f, npy[3, 5], 6);
        var colour = SaliencyMapFile.Read(Fixtures.Path("maps", "s3.png"));
        Assert.Equal((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, colour[0, 0], 5);
    }

    [Fact]
    public void Read_ThreeDimensionalNpy_ThrowsNamingFileAndShape()
    {
        var path = Fixtures.Path("maps", "threed.npy");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyMapFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("(2, 12, 16)", e.Message);
    }

    [Fact]
    public void Read_EmptyPng_ThrowsNamingTheFile()
    {
        var path = Fixtures.Path("empty.png");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyMapFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Read_OtherExtension_NotSupported()
    {
        using var dir = new TempDir();
        var path = dir.File("map.jpg");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<NotSupportedException>(() => SaliencyMapFile.Read(path));
    }
}
