using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using SkiaSharp;
using Xunit;

namespace RepLens.Saliency.Tests;

public class SaliencyImageIOTests
{
    private static void AssertPixels(RgbImage img, Func<int, (double R, double G, double B)> expected, double tolerance)
    {
        for (int i = 0; i < img.Width * img.Height; i++)
        {
            var (r, g, b) = expected(i);
            Assert.True(Math.Abs(img.Red[i] - r) <= tolerance && Math.Abs(img.Green[i] - g) <= tolerance && Math.Abs(img.Blue[i] - b) <= tolerance,
                $"pixel {i}: ({img.Red[i]}, {img.Green[i]}, {img.Blue[i]}), expected ({r}, {g}, {b}) ± {tolerance}");
        }
    }

    [Fact]
    public void Load_RgbPng_ExactValuesInRgbOrder()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_rgb.png"));
        var e = Fixtures.Npy("decode_rgb.npy").Data;
        Assert.Equal((8, 6), (img.Width, img.Height));
        AssertPixels(img, i => (e[3 * i] / 255.0, e[3 * i + 1] / 255.0, e[3 * i + 2] / 255.0), 1e-7);
    }

    [Fact]
    public void Load_GrayscalePng_SameValueInEveryChannel()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_gray.png"));
        var e = Fixtures.Npy("decode_rgb.npy").Data;
        AssertPixels(img, i => (e[3 * i + 1] / 255.0, e[3 * i + 1] / 255.0, e[3 * i + 1] / 255.0), 1e-7);
    }

    [Theory]
    [InlineData(AlphaBackground.Black)]
    [InlineData(AlphaBackground.White)]
    public void Load_RgbaPng_CompositedOverBackground(AlphaBackground background)
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_rgba.png"), background);
        var e = Fixtures.Npy("decode_rgba.npy").Data;
        double bg = background == AlphaBackground.White ? 1 : 0;
        AssertPixels(img, i =>
        {
            double a = e[4 * i + 3] / 255.0;
            return (e[4 * i] / 255.0 * a + bg * (1 - a), e[4 * i + 1] / 255.0 * a + bg * (1 - a), e[4 * i + 2] / 255.0 * a + bg * (1 - a));
        }, 1e-6);
    }

    [Fact]
    public void Load_PalettePng_PaletteColours()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_palette.png"));
        var e = Fixtures.Npy("decode_palette.npy").Data;
        AssertPixels(img, i => (e[3 * i] / 255.0, e[3 * i + 1] / 255.0, e[3 * i + 2] / 255.0), 1e-7);
    }

    [Theory]
    [InlineData("decode_rgb16", 3)]
    [InlineData("decode_gray16", 1)]
    public void Load_16BitPng_HighByteOfEachSample(string name, int channels)
    {
        var img = SaliencyImageIO.Load(Fixtures.Path(name + ".png"));
        var e = Fixtures.Npy(name + ".npy").Data;
        double V(int i, int c) => Math.Floor(e[channels * i + (channels == 3 ? c : 0)] / 256) / 255.0;
        AssertPixels(img, i => (V(i, 0), V(i, 1), V(i, 2)), 1e-7);
    }

    [Fact]
    public void Load_CmykJpeg_ConvertedToRgb()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_cmyk.jpg"));
        var e = Fixtures.Npy("decode_cmyk_expected.npy").Data;
        AssertPixels(img, i => (e[3 * i] / 255.0, e[3 * i + 1] / 255.0, e[3 * i + 2] / 255.0), 1.01 / 255);
    }

    [Fact]
    public void Load_EmptyFile_ThrowsNamingTheFile()
    {
        var path = Fixtures.Path("empty.png");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyImageIO.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Load_NotAnImage_ThrowsNamingTheFile()
    {
        var path = Fixtures.Path("not_an_image.png");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyImageIO.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not an image", e.Message);
    }

    [Fact]
    public void Load_TruncatedPng_ThrowsNamingTheFile()
    {
        var path = Fixtures.Path("truncated.png");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyImageIO.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SaliencyImageIO.Load("/nonexistent/x.png"));
        Assert.Contains("/nonexistent/x.png", e.Message);
    }

    [Fact]
    public void Decode_Bytes_SameAsLoad()
    {
        var path = Fixtures.Path("oracle_image.png");
        var a = SaliencyImageIO.Load(path);
        var b = SaliencyImageIO.Decode(File.ReadAllBytes(path), "oracle_image.png");
        Assert.Equal(a.Red, b.Red);
        Assert.Equal(a.Green, b.Green);
        Assert.Equal(a.Blue, b.Blue);
    }

    [Fact]
    public void FromBitmap_PremultipliedBitmapFromSkia_SameAsLoad()
    {
        // The host's in-memory path: an SKBitmap as SkiaSharp decodes it (BGRA, premultiplied alpha).
        var path = Fixtures.Path("decode_rgba.png");
        using var bitmap = SKBitmap.Decode(path);
        var fromBitmap = SaliencyImageIO.FromBitmap(bitmap);
        var loaded = SaliencyImageIO.Load(path);
        Fixtures.AssertClose(loaded.Red, fromBitmap.Red, 1.5 / 255, "red"); // premultiplied bytes round once more
        Fixtures.AssertClose(loaded.Blue, fromBitmap.Blue, 1.5 / 255, "blue");
    }

    [Fact]
    public void RgbImage_FromRgb24AndBack_RoundTrips()
    {
        var bytes = new byte[] { 255, 0, 0, 0, 128, 255 };
        var img = RgbImage.FromRgb24(bytes, 2, 1);
        Assert.Equal((1f, 0f, 0f), (img.Red[0], img.Green[0], img.Blue[0]));
        Assert.Equal(new byte[] { 255, 0, 0, 255, 0, 128, 255, 255 }, img.ToRgba32());
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb24(bytes, 3, 1));
    }

    [Fact]
    public void ReadSize_Png_WidthAndHeight() =>
        Assert.Equal((200, 150), SaliencyImageIO.ReadSize(Fixtures.Path("oracle_image.png")));

    [Fact]
    public void LoadMap_PngAndNpy_ValuesAsStored()
    {
        var gray = SaliencyImageIO.LoadMap(Fixtures.Path("maps", "s1.png"));
        Assert.Equal((16, 12), (gray.Width, gray.Height));
        Assert.Equal(16 * 5 / 255f, gray[3, 5]);
        var npy = SaliencyImageIO.LoadMap(Fixtures.Path("maps", "s2.npy"));
        Assert.Equal((16, 12), (npy.Width, npy.Height));
        Assert.Equal((3 * 16 + 5) / 191f, npy[3, 5], 6);
        var colour = SaliencyImageIO.LoadMap(Fixtures.Path("maps", "s3.png"));
        Assert.Equal((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, colour[0, 0], 5);
    }

    [Fact]
    public void LoadMap_ThreeDimensionalNpy_ThrowsNamingFileAndShape()
    {
        var path = Fixtures.Path("maps", "threed.npy");
        var e = Assert.Throws<InvalidDataException>(() => SaliencyImageIO.LoadMap(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("(2, 12, 16)", e.Message);
    }

    [Fact]
    public void LoadMap_OtherExtension_NotSupported()
    {
        using var dir = new TempDir();
        var path = dir.File("map.jpg");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<NotSupportedException>(() => SaliencyImageIO.LoadMap(path));
    }
}
