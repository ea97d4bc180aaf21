using System.Runtime.InteropServices;
using SkiaSharp;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Renders saliency maps as PNG bytes for looking at (the caller writes the file): a heat map blended
/// over the image, or the map alone as grayscale. Colours follow matplotlib's "inferno" map (dark = low,
/// bright yellow = high), sampled at 9 points and interpolated linearly. The map is scaled by its own
/// maximum for display.
/// </summary>
public static class SaliencyOverlay
{
    private static readonly float[,] Inferno =
    {
        { 0.0015f, 0.0005f, 0.0139f }, { 0.1293f, 0.0473f, 0.2908f }, { 0.3415f, 0.0623f, 0.4294f },
        { 0.5409f, 0.1347f, 0.4151f }, { 0.7357f, 0.2159f, 0.3302f }, { 0.8943f, 0.3534f, 0.1936f },
        { 0.9784f, 0.5579f, 0.0349f }, { 0.9746f, 0.7977f, 0.2063f }, { 0.9884f, 0.9984f, 0.6449f },
    };

    /// <summary>
    /// The image with the heat map laid over it: out = image·(1 − α·s) + heat(s)·α·s, s the map scaled
    /// to [0, 1] and resized to the image if needed, so non-salient regions show the image unchanged.
    /// </summary>
    /// <param name="image">The image the map was computed from.</param>
    /// <param name="map">Its saliency map (any size; resized bilinearly to the image).</param>
    /// <param name="opacity">α in [0, 1]: the heat map's opacity where the map peaks.</param>
    /// <returns>An 8-bit RGB PNG of the image's size.</returns>
    public static byte[] RenderPng(RgbImage image, SaliencyMap map, float opacity = 0.6f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (!(opacity >= 0f && opacity <= 1f)) throw new ArgumentOutOfRangeException(nameof(opacity), $"Opacity must be in [0, 1]; got {opacity}.");
        if (map.Width != image.Width || map.Height != image.Height) map = map.Resize(image.Width, image.Height);
        var s = Scaled(map);
        int n = image.Width * image.Height;
        var rgba = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            var (hr, hg, hb) = Heat(s[i]);
            float a = opacity * s[i], keep = 1f - a;
            rgba[4 * i] = RgbImage.ToByte(image.Red[i] * keep + hr * a);
            rgba[4 * i + 1] = RgbImage.ToByte(image.Green[i] * keep + hg * a);
            rgba[4 * i + 2] = RgbImage.ToByte(image.Blue[i] * keep + hb * a);
            rgba[4 * i + 3] = 255;
        }
        return EncodePng(rgba, image.Width, image.Height);
    }

    /// <summary>The map alone as an 8-bit grayscale-valued RGB PNG, scaled to its maximum (an all-zero map is black).</summary>
    /// <param name="map">The map.</param>
    public static byte[] RenderMapPng(SaliencyMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var s = Scaled(map);
        var rgba = new byte[4 * s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            byte v = RgbImage.ToByte(s[i]);
            rgba[4 * i] = v;
            rgba[4 * i + 1] = v;
            rgba[4 * i + 2] = v;
            rgba[4 * i + 3] = 255;
        }
        return EncodePng(rgba, map.Width, map.Height);
    }

    private static float[] Scaled(SaliencyMap map)
    {
        float max = 0f;
        foreach (var v in map.Data) if (v > max) max = v;
        var s = new float[map.Data.Length];
        if (max > 0f)
            for (int i = 0; i < s.Length; i++) s[i] = Math.Clamp(map.Data[i] / max, 0f, 1f);
        return s;
    }

    private static (float R, float G, float B) Heat(float v)
    {
        float t = v * 8f;
        int i = Math.Min((int)t, 7);
        float f = t - i;
        return (Inferno[i, 0] + f * (Inferno[i + 1, 0] - Inferno[i, 0]),
                Inferno[i, 1] + f * (Inferno[i + 1, 1] - Inferno[i, 1]),
                Inferno[i, 2] + f * (Inferno[i + 1, 2] - Inferno[i, 2]));
    }

    private static byte[] EncodePng(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(SKEncodedImageFormat.Png, 100)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width} × {height} PNG.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
