using RepLens.Plugins.Saliency;
using Xunit;

namespace RepLens.Saliency.Tests;

public class SaliencyOverlayTests
{
    [Fact]
    public void RenderPng_ZeroMapWhereMapIsZero_ImageUnchanged()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("decode_rgb.png"));
        var map = new SaliencyMap(img.Width, img.Height, new float[img.Width * img.Height]);
        map.Data[5] = 1f;
        var png = SaliencyOverlay.RenderPng(img, map);
        var back = SaliencyImageIO.Decode(png, "overlay");
        Assert.Equal((img.Width, img.Height), (back.Width, back.Height));
        for (int i = 0; i < img.Red.Length; i++)
        {
            if (i == 5) continue;
            Assert.Equal(img.Red[i], back.Red[i], 6);
            Assert.Equal(img.Blue[i], back.Blue[i], 6);
        }
        Assert.NotEqual(img.Red[5], back.Red[5]);
    }

    [Fact]
    public void RenderPng_MapOfOtherSize_ResizedToImage()
    {
        var img = SaliencyImageIO.Load(Fixtures.Path("oracle_image.png"));
        var map = new IttiKochSaliency().Compute(img, 64, 48);
        var back = SaliencyImageIO.Decode(SaliencyOverlay.RenderPng(img, map), "overlay");
        Assert.Equal((200, 150), (back.Width, back.Height));
    }

    [Fact]
    public void RenderMapPng_Map_GrayscaleScaledToPeak()
    {
        var map = new SaliencyMap(3, 1, [0f, 0.5f, 2f]);
        var back = SaliencyImageIO.Decode(SaliencyOverlay.RenderMapPng(map), "map");
        Assert.Equal([0f, 64 / 255f, 1f], back.Red);
        Assert.Equal(back.Red, back.Blue);
    }

    [Fact]
    public void RenderPng_BadOpacity_Throws()
    {
        var img = new RgbImage(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => SaliencyOverlay.RenderPng(img, new SaliencyMap(2, 2, new float[4]), 1.5f));
    }
}
