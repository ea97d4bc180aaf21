using RepLens.Abstractions;

namespace RepLens.Imaging;

/// <summary>
/// torchvision's <c>Resize(size)</c> followed by <c>CenterCrop(crop)</c> on a PIL image, reproduced
/// exactly: the output size rule of torchvision 0.14 (shorter side to <c>size</c>, longer side
/// truncated), PIL's separable antialiased resampling (Pillow <c>Resample.c</c>: the filter support
/// widens with the downscaling factor, fixed-point coefficients with 22 fractional bits, a horizontal
/// then a vertical pass, each rounded and clipped to 8 bits) with the bilinear (triangle) or bicubic
/// (a = −0.5) kernel, and torchvision's centre crop (offsets rounded half to even, zero padding when the
/// crop is larger than the image). Only the pixels inside the crop are computed.
/// </summary>
public static class TorchvisionResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The size torchvision's <c>Resize(shorterSide)</c> gives an image of <paramref name="width"/> × <paramref name="height"/>.</summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="shorterSide">Target length of the shorter side.</param>
    public static (int Width, int Height) ResizedSize(int width, int height, int shorterSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shorterSide);
        if (width <= height)
            return (shorterSide, (int)((double)shorterSide * height / width));
        return ((int)((double)shorterSide * width / height), shorterSide);
    }

    /// <summary>
    /// Resizes the shorter side of <paramref name="image"/> to <paramref name="shorterSide"/> and takes the
    /// centre <paramref name="cropHeight"/> × <paramref name="cropWidth"/>, as torchvision does on PIL images.
    /// </summary>
    /// <param name="image">The source image.</param>
    /// <param name="shorterSide">Target length of the shorter side after resizing.</param>
    /// <param name="cropHeight">Output height.</param>
    /// <param name="cropWidth">Output width.</param>
    /// <param name="interpolation">Resampling kernel.</param>
    public static RgbImage ResizeAndCenterCrop(RgbImage image, int shorterSide, int cropHeight, int cropWidth, ResizeInterpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (rw, rh) = ResizedSize(image.Width, image.Height, shorterSide);
        return ResizeAndCrop(image, rw, rh, cropHeight, cropWidth, interpolation);
    }

    /// <summary>PIL's <c>Image.resize((width, height), filter)</c> of the whole image.</summary>
    /// <param name="image">The source image.</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    /// <param name="interpolation">Resampling kernel.</param>
    public static RgbImage Resize(RgbImage image, int width, int height, ResizeInterpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ResizeAndCrop(image, width, height, height, width, interpolation);
    }

    private static RgbImage ResizeAndCrop(RgbImage image, int rw, int rh, int cropHeight, int cropWidth, ResizeInterpolation interpolation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rw);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rh);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cropHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cropWidth);

        // torchvision CenterCrop: pad with zeros when the crop is larger, then crop at rounded offsets.
        int padLeft = cropWidth > rw ? (cropWidth - rw) / 2 : 0;
        int padTop = cropHeight > rh ? (cropHeight - rh) / 2 : 0;
        int paddedW = cropWidth > rw ? rw + padLeft + (cropWidth - rw + 1) / 2 : rw;
        int paddedH = cropHeight > rh ? rh + padTop + (cropHeight - rh + 1) / 2 : rh;
        int left = (int)Math.Round((paddedW - cropWidth) / 2.0, MidpointRounding.ToEven) - padLeft;
        int top = (int)Math.Round((paddedH - cropHeight) / 2.0, MidpointRounding.ToEven) - padTop;

        // Columns [x0, x1) and rows [y0, y1) of the resized image fall inside the crop.
        int x0 = Math.Max(0, left), x1 = Math.Min(rw, left + cropWidth);
        int y0 = Math.Max(0, top), y1 = Math.Min(rh, top + cropHeight);
        var output = new byte[cropWidth * cropHeight * 3];
        if (x0 >= x1 || y0 >= y1) return new RgbImage(cropWidth, cropHeight, output);

        var (support, kernel) = Filter(interpolation);
        var src = image.Pixels;
        int sw = image.Width;

        // Horizontal pass over the source rows the vertical pass needs, only for the columns kept.
        bool horizontal = rw != image.Width;
        bool vertical = rh != image.Height;
        var vert = vertical ? Coefficients(image.Height, rh, support, kernel) : default;
        int rowFirst, rowLast;
        if (vertical)
        {
            rowFirst = int.MaxValue;
            rowLast = 0;
            for (int y = y0; y < y1; y++)
            {
                rowFirst = Math.Min(rowFirst, vert.Start[y]);
                rowLast = Math.Max(rowLast, vert.Start[y] + vert.Count[y]);
            }
        }
        else
        {
            rowFirst = y0;
            rowLast = y1;
        }

        int cols = x1 - x0;
        byte[] temp;
        if (horizontal)
        {
            var hor = Coefficients(image.Width, rw, support, kernel);
            temp = new byte[(rowLast - rowFirst) * cols * 3];
            for (int y = rowFirst; y < rowLast; y++)
            {
                int srcRow = y * sw * 3;
                int dstRow = (y - rowFirst) * cols * 3;
                for (int x = x0; x < x1; x++)
                {
                    int xmin = hor.Start[x], n = hor.Count[x], k = x * hor.Size;
                    int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                    for (int i = 0; i < n; i++)
                    {
                        int w = hor.Weights[k + i];
                        int p = srcRow + (xmin + i) * 3;
                        s0 += src[p] * w;
                        s1 += src[p + 1] * w;
                        s2 += src[p + 2] * w;
                    }
                    int d = dstRow + (x - x0) * 3;
                    temp[d] = Clip8(s0);
                    temp[d + 1] = Clip8(s1);
                    temp[d + 2] = Clip8(s2);
                }
            }
        }
        else
        {
            temp = new byte[(rowLast - rowFirst) * cols * 3];
            for (int y = rowFirst; y < rowLast; y++)
                Buffer.BlockCopy(src, (y * sw + x0) * 3, temp, (y - rowFirst) * cols * 3, cols * 3);
        }

        for (int y = y0; y < y1; y++)
        {
            int dstRow = ((y - top) * cropWidth + (x0 - left)) * 3;
            if (!vertical)
            {
                Buffer.BlockCopy(temp, (y - rowFirst) * cols * 3, output, dstRow, cols * 3);
                continue;
            }
            int ymin = vert.Start[y] - rowFirst, n = vert.Count[y], k = y * vert.Size;
            for (int x = 0; x < cols; x++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int i = 0; i < n; i++)
                {
                    int w = vert.Weights[k + i];
                    int p = ((ymin + i) * cols + x) * 3;
                    s0 += temp[p] * w;
                    s1 += temp[p + 1] * w;
                    s2 += temp[p + 2] * w;
                }
                int d = dstRow + x * 3;
                output[d] = Clip8(s0);
                output[d + 1] = Clip8(s1);
                output[d + 2] = Clip8(s2);
            }
        }
        return new RgbImage(cropWidth, cropHeight, output);
    }

    private static byte Clip8(int value)
    {
        int v = value >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    private static (double Support, Func<double, double> Kernel) Filter(ResizeInterpolation interpolation) => interpolation switch
    {
        ResizeInterpolation.Bilinear => (1.0, Bilinear),
        ResizeInterpolation.Bicubic => (2.0, Bicubic),
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Unknown interpolation."),
    };

    private static double Bilinear(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private readonly record struct Coefficient(int Size, int[] Start, int[] Count, int[] Weights);

    /// <summary>Per output position: first input index, number of taps, fixed-point weights (Pillow's precompute_coeffs + normalize_coeffs_8bpc).</summary>
    private static Coefficient Coefficients(int inSize, int outSize, double filterSupport, Func<double, double> kernel)
    {
        double scale = (double)(float)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = filterSupport * filterScale;
        int size = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * size];
        var k = new double[size];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = kernel((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                if (ww != 0.0) k[x] /= ww;
                weights[xx * size + x] = k[x] < 0
                    ? (int)(-0.5 + k[x] * (1 << PrecisionBits))
                    : (int)(0.5 + k[x] * (1 << PrecisionBits));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficient(size, start, count, weights);
    }
}
