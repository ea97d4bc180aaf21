using RepLens.Abstractions;
using Xunit;

namespace RepLens.Imaging.Tests;

public class HeatmapOverlayTests
{
    [Fact]
    public void Blend_MapZeroExceptOnePixel_ImageUnchangedElsewhere()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_rgb.png"));
        var map = new FloatMatrix(img.Height, img.Width, new float[img.Width * img.Height]);
        map.Data[5] = 1f;
        var blended = HeatmapOverlay.Blend(img, map);
        Assert.Equal((img.Width, img.Height), (blended.Width, blended.Height));
        for (int i = 0; i < img.Width * img.Height; i++)
        {
            if (i == 5) continue;
            for (int c = 0; c < 3; c++) Assert.Equal(img.Pixels[3 * i + c], blended.Pixels[3 * i + c]);
        }
        Assert.NotEqual(img.Pixels.AsSpan(15, 3).ToArray(), blended.Pixels.AsSpan(15, 3).ToArray());
    }

    [Fact]
    public void Blend_MapOfOtherSize_ResizedToImage()
    {
        var img = ImageDecoder.Decode(Fixtures.Path("decode_rgb.png"));
        var map = new FloatMatrix(3, 4, Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        var blended = HeatmapOverlay.Blend(img, map);
        Assert.Equal((8, 6), (blended.Width, blended.Height));
        Assert.Equal(img.Pixels.AsSpan(0, 3).ToArray(), blended.Pixels.AsSpan(0, 3).ToArray()); // map is 0 at the top-left corner
    }

    [Fact]
    public void Blend_OpacityOne_PeakIsTheColourMapsTop()
    {
        var img = new RgbImage(2, 1, new byte[6]);
        var blended = HeatmapOverlay.Blend(img, new FloatMatrix(1, 2, [0f, 3f]), opacity: 1f);
        Assert.Equal(new byte[] { 0, 0, 0, 252, 255, 164 }, blended.Pixels); // inferno at 1: (0.9884, 0.9984, 0.6449)
    }

    [Fact]
    public void Render_Map_ScaledToPeakInInferno()
    {
        var rendered = HeatmapOverlay.Render(new FloatMatrix(1, 3, [0f, 1f, 2f]));
        Assert.Equal((3, 1), (rendered.Width, rendered.Height));
        Assert.Equal(new byte[] { 0, 0, 4 }, rendered.Pixels.AsSpan(0, 3).ToArray());     // inferno at 0
        Assert.Equal(new byte[] { 252, 255, 164 }, rendered.Pixels.AsSpan(6, 3).ToArray()); // inferno at 1
    }

    [Fact]
    public void Render_AllZeroMap_ColourMapsBottomEverywhere()
    {
        var rendered = HeatmapOverlay.Render(new FloatMatrix(2, 2, new float[4]));
        for (int i = 0; i < 4; i++) Assert.Equal(new byte[] { 0, 0, 4 }, rendered.Pixels.AsSpan(3 * i, 3).ToArray());
    }

    [Fact]
    public void Blend_BadOpacity_Throws()
    {
        var img = new RgbImage(2, 2, new byte[12]);
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatmapOverlay.Blend(img, new FloatMatrix(2, 2, new float[4]), 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatmapOverlay.Blend(img, new FloatMatrix(2, 2, new float[4]), float.NaN));
    }

    [Fact]
    public void ResizeBilinear_TwoPixelsToFour_PixelCentresAlignedEdgesClamped()
    {
        var resized = HeatmapOverlay.ResizeBilinear(new FloatMatrix(1, 2, [0f, 1f]), 4, 1);
        Assert.Equal((1, 4), (resized.Rows, resized.Columns));
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, resized.Data);
    }

    [Fact]
    public void ResizeBilinear_SameSize_SameValues()
    {
        var data = Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray();
        Assert.Equal(data, HeatmapOverlay.ResizeBilinear(new FloatMatrix(3, 4, data), 4, 3).Data);
    }
}
