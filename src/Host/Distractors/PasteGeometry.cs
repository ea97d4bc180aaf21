using RepLens.Abstractions;
using RepLens.Imaging;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Distractors;

/// <summary>
/// Where and how large a distractor is pasted: resized (aspect ratio kept) to a fraction of the baseline
/// image's area, at a random position along a random edge; and the paste itself, which leaves every pixel
/// outside the rectangle as it was.
/// </summary>
internal static class PasteGeometry
{
    /// <summary>
    /// The pasted size: width w and height h with w / h ≈ the distractor's aspect ratio and w × h ≈
    /// <paramref name="areaFraction"/> × the target's area, each side rounded to the nearest pixel (so each
    /// side is within half a pixel of the exact value), at least 1.
    /// </summary>
    public static (int Width, int Height) PastedSize(int targetWidth, int targetHeight, int distractorWidth, int distractorHeight, double areaFraction)
    {
        double area = areaFraction * targetWidth * targetHeight;
        double aspect = distractorWidth / (double)distractorHeight;
        int w = Math.Max(1, (int)Math.Round(Math.Sqrt(area * aspect), MidpointRounding.AwayFromZero));
        int h = Math.Max(1, (int)Math.Round(Math.Sqrt(area / aspect), MidpointRounding.AwayFromZero));
        return (w, h);
    }

    /// <summary>Whether a rectangle of this size fits inside the target (an extreme aspect ratio may not).</summary>
    public static bool Fits(int targetWidth, int targetHeight, (int Width, int Height) size) =>
        size.Width <= targetWidth && size.Height <= targetHeight;

    /// <summary>A random edge (each with probability 1/4) and a uniform position along it; the top-left corner of the rectangle.</summary>
    public static (PasteEdge Edge, int X, int Y) Place(SeededRandom rng, int targetWidth, int targetHeight, int width, int height)
    {
        var edge = (PasteEdge)rng.NextInt(4);
        return edge switch
        {
            PasteEdge.Top => (edge, rng.NextInt(targetWidth - width + 1), 0),
            PasteEdge.Bottom => (edge, rng.NextInt(targetWidth - width + 1), targetHeight - height),
            PasteEdge.Left => (edge, 0, rng.NextInt(targetHeight - height + 1)),
            _ => (edge, targetWidth - width, rng.NextInt(targetHeight - height + 1)),
        };
    }

    /// <summary>The distractor resized with PIL's antialiased bilinear filter (what <c>Image.resize</c> does), as torchvision would.</summary>
    public static RgbImage Resize(RgbImage distractor, int width, int height) =>
        distractor.Width == width && distractor.Height == height
            ? distractor
            : TorchvisionResize.Resize(distractor, width, height, ResizeInterpolation.Bilinear);

    /// <summary>A copy of <paramref name="baseline"/> with <paramref name="patch"/> over the rectangle at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static RgbImage Paste(RgbImage baseline, RgbImage patch, int x, int y)
    {
        if (x < 0 || y < 0 || x + patch.Width > baseline.Width || y + patch.Height > baseline.Height)
            throw new ArgumentOutOfRangeException(nameof(patch),
                $"A {patch.Width} × {patch.Height} patch at ({x}, {y}) does not fit a {baseline.Width} × {baseline.Height} image.");
        var pixels = (byte[])baseline.Pixels.Clone();
        int rowBytes = patch.Width * 3;
        for (int r = 0; r < patch.Height; r++)
            Buffer.BlockCopy(patch.Pixels, r * rowBytes, pixels, ((y + r) * baseline.Width + x) * 3, rowBytes);
        return new RgbImage(baseline.Width, baseline.Height, pixels);
    }

    public static string Name(PasteEdge edge) => edge switch
    {
        PasteEdge.Top => "top",
        PasteEdge.Bottom => "bottom",
        PasteEdge.Left => "left",
        _ => "right",
    };
}
