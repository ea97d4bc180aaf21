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
    public void Blend_RandomMap_WithinOneLevelOfTheExactFormula()
    {
        // out = image·(1 − α·s) + heat(s)·α·s, s = map / max; heat from the 9 inferno points, interpolated.
        float[,] inferno =
        {
            { 0.0015f, 0.0005f, 0.0139f }, { 0.1293f, 0.0473f, 0.2908f }, { 0.3415f, 0.0623f, 0.4294f },
            { 0.5409f, 0.1347f, 0.4151f }, { 0.7357f, 0.2159f, 0.3302f }, { 0.8943f, 0.3534f, 0.1936f },
            { 0.9784f, 0.5579f, 0.0349f }, { 0.9746f, 0.7977f, 0.2063f }, { 0.9884f, 0.9984f, 0.6449f },
        };
        var rng = new Random(4);
        var pixels = new byte[30 * 20 * 3];
        rng.NextBytes(pixels);
        var image = new RgbImage(30, 20, pixels);
        var values = Enumerable.Range(0, 600).Select(_ => rng.NextSingle() * 5f).ToArray();
        float max = values.Max();
        var blended = HeatmapOverlay.Blend(image, new FloatMatrix(20, 30, values), 0.7f);
        for (int i = 0; i < 600; i++)
        {
            double sv = values[i] / max, t = sv * 8, a = 0.7 * sv;
            int k = Math.Min((int)t, 7);
            for (int c = 0; c < 3; c++)
            {
                double heat = inferno[k, c] + (t - k) * (inferno[k + 1, c] - inferno[k, c]);
                double expected = pixels[3 * i + c] * (1 - a) + 255 * heat * a;
                Assert.InRange(blended.Pixels[3 * i + c], expected - 1, expected + 1);
            }
        }
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
