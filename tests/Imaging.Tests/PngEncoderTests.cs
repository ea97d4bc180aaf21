using RepLens.Abstractions;
using Xunit;

namespace RepLens.Imaging.Tests;

public class PngEncoderTests
{
    private static RgbImage Random(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 6)]
    [InlineData(37, 101)]
    public void Encode_ThenDecode_SamePixels(int width, int height)
    {
        var image = Random(width, height, width * 1000 + height);
        var png = PngEncoder.Encode(image);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var back = ImageDecoder.Decode(png, "encoded");
        Assert.Equal((width, height), (back.Width, back.Height));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void Encode_DecodedFixture_RoundTripsExactly()
    {
        var image = ImageDecoder.Decode(Fixtures.Path("decode_palette.png"));
        Assert.Equal(image.Pixels, ImageDecoder.Decode(PngEncoder.Encode(image), "re-encoded").Pixels);
    }

    [Fact]
    public void Encode_SameImageTwice_SameBytes()
    {
        var image = Random(64, 48, 3);
        Assert.Equal(PngEncoder.Encode(image), PngEncoder.Encode(image));
    }

    [Fact]
    public void Encode_Null_Throws() => Assert.Throws<ArgumentNullException>(() => PngEncoder.Encode(null!));
}
