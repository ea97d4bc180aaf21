using RepLens.Abstractions;
using RepLens.Plugins.Saliency;
using Xunit;

namespace RepLens.Saliency.Tests;

public class ColorPlanesTests
{
    [Fact]
    public void FromRgbImage_AndBack_RoundTrips()
    {
        var bytes = new byte[] { 255, 0, 0, 0, 128, 255 };
        var planes = ColorPlanes.FromRgbImage(new RgbImage(2, 1, bytes));
        Assert.Equal((1f, 0f, 0f), (planes.Red[0], planes.Green[0], planes.Blue[0]));
        Assert.Equal(128 / 255f, planes.Green[1]);
        var back = planes.ToRgbImage();
        Assert.Equal((2, 1), (back.Width, back.Height));
        Assert.Equal(bytes, back.Pixels);
    }

    [Fact]
    public void FromRgb24_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => ColorPlanes.FromRgb24(new byte[6], 3, 1));

    [Fact]
    public void Constructor_PlaneOfWrongLength_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new ColorPlanes(2, 2, new float[4], new float[3], new float[4]));
        Assert.Contains("green", e.Message);
    }
}
