using RepLens.Abstractions;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Imaging.Tests;

/// <summary>
/// The shared decoder against the values PIL reads from the same files (tools/fixtures/make_imaging_fixtures.py):
/// PIL's <c>Image.open(path).convert("RGB")</c>, which tests/Onnx.Tests also checks on its own images.
/// </summary>
public class ImageDecoderTests
{
    private static void AssertPixels(RgbImage img, Func<int, (double R, double G, double B)> expected, double tolerance)
    {
        for (int i = 0; i < img.Width * img.Height; i++)
        {
            var (r, g, b) = expected(i);
            byte ar = img.Pixels[3 * i], ag = img.Pixels[3 * i + 1], ab = img.Pixels[3 * i + 2];
            Assert.True(Math.Abs(ar - r) <= tolerance && Math.Abs(ag - g) <= tolerance && Math.Abs(ab - b) <= tolerance,
                $"pixel {i}: ({ar}, {ag}, {ab}), expected ({r}, {g}, {b}) ± {tolerance}");
        }
    }

    [Fact]
    public void Decode_RgbPng_ExactValuesInRgbOrder()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_rgb.png"));
        var e = Fixtures.Npy("decode_rgb.npy").Data;
        Assert.Equal((8, 6), (img.Width, img.Height));
        AssertPixels(img, i => (e[3 * i], e[3 * i + 1], e[3 * i + 2]), 0);
    }

    [Fact]
    public void Decode_GrayscalePng_SameValueInEveryChannel()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_gray.png"));
        var e = Fixtures.Npy("decode_rgb.npy").Data;
        AssertPixels(img, i => (e[3 * i + 1], e[3 * i + 1], e[3 * i + 1]), 0);
    }

    [Fact]
    public void Decode_RgbaPng_AlphaDroppedColourKeptAsStored()
    {
        // PIL's convert("RGB") drops alpha and keeps the stored (unpremultiplied) colour; so does RepLens,
        // everywhere (extractors, saliency): no compositing over a background.
        var img = ImageDecoder.Decode(Fixtures.Path("decode_rgba.png"));
        var e = Fixtures.Npy("decode_rgba.npy").Data;
        Assert.Contains(e.Where((_, k) => k % 4 == 3), a => a < 128); // the fixture really is transparent
        AssertPixels(img, i => (e[4 * i], e[4 * i + 1], e[4 * i + 2]), 0);
    }

    [Fact]
    public void Decode_PalettePng_PaletteColours()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_palette.png"));
        var e = Fixtures.Npy("decode_palette.npy").Data;
        AssertPixels(img, i => (e[3 * i], e[3 * i + 1], e[3 * i + 2]), 0);
    }

    [Theory]
    [InlineData("decode_rgb16", 3)]
    [InlineData("decode_gray16", 1)]
    public void Decode_16BitPng_HighByteOfEachSample(string name, int channels)
    {
        var img = ImageDecoder.Decode(Fixtures.Path(name + ".png"));
        var e = Fixtures.Npy(name + ".npy").Data;
        double V(int i, int c) => Math.Floor(e[channels * i + (channels == 3 ? c : 0)] / 256);
        AssertPixels(img, i => (V(i, 0), V(i, 1), V(i, 2)), 0);
    }

    [Fact]
    public void Decode_CmykJpeg_ConvertedToRgb()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_cmyk.jpg"));
        var e = Fixtures.Npy("decode_cmyk_expected.npy").Data;
        AssertPixels(img, i => (e[3 * i], e[3 * i + 1], e[3 * i + 2]), 1.01);
    }

    [Fact]
    public void Decode_EmptyFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.png");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Decode_NotAnImage_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("text.png");
        File.WriteAllText(path, "this is a text file, not a PNG\n");
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not an image", e.Message);
    }

    [Fact]
    public void Decode_TruncatedPng_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("truncated.png");
        var good = File.ReadAllBytes(Fixtures.Path("decode_rgb.png"));
        File.WriteAllBytes(path, good[..(good.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Decode_MissingFile_ThrowsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ImageDecoder.Decode("/nonexistent/x.png"));
        Assert.Contains("/nonexistent/x.png", e.Message);
    }

    [Fact]
    public void Decode_Bytes_SameAsFile()
    {
        var path = Fixtures.Path("decode_palette.png");
        var a = ImageDecoder.Decode(path);
        var b = ImageDecoder.Decode(File.ReadAllBytes(path), "palette");
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        Assert.Equal(a.Pixels, b.Pixels);
    }

    [Fact]
    public void Decode_EmptyBytes_ThrowsNamingTheSource()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty, "stimulus s7"));
        Assert.Contains("stimulus s7", e.Message);
    }

    [Fact]
    public void ReadSize_Png_WidthAndHeight() =>
        Assert.Equal((8, 6), ImageDecoder.ReadSize(Fixtures.Path("decode_rgb16.png")));

    [Fact]
    public void ReadSize_NotAnImage_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("text.jpg");
        File.WriteAllText(path, "no image");
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadSize(path));
        Assert.Contains(path, e.Message);
    }
}
