using SkiaSharp;

namespace RepLens.Onnx.Images;

/// <summary>
/// Decodes image files to 8-bit RGB the way PIL's <c>Image.open(path).convert("RGB")</c> does (what
/// torchvision's image-folder loader runs): grayscale and palette images are expanded to RGB, an
/// alpha channel is dropped (not composited, not premultiplied), CMYK JPEGs are converted to RGB,
/// 16-bit channels keep their high byte, no colour management and no EXIF rotation. Checked pixel for
/// pixel against PIL on PNG (8/16-bit, gray, palette, RGBA, LA) and JPEG (RGB, CMYK) files. (PIL itself
/// saturates 16-bit grayscale PNGs to 255; RepLens keeps their high byte.)
/// </summary>
public static class RgbImageDecoder
{
    /// <summary>Decodes <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming the file when it is not a decodable image.</summary>
    /// <param name="path">An image file (PNG, JPEG, BMP, GIF, WebP, …).</param>
    public static RgbImage Decode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);

        using var codec = SKCodec.Create(path, out var created);
        if (codec is null)
            throw new InvalidDataException($"Image '{path}' cannot be decoded ({created}): not an image file, or an unsupported or corrupt one.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width <= 0 || info.Height <= 0)
            throw new InvalidDataException($"Image '{path}' has no pixels ({info.Width}×{info.Height}).");
        var result = codec.GetPixels(info, out byte[] rgba);
        if (result != SKCodecResult.Success)
            throw new InvalidDataException(result == SKCodecResult.IncompleteInput
                ? $"Image '{path}' is truncated: its pixel data ends early."
                : $"Image '{path}' cannot be decoded: {result}.");

        int n = info.Width * info.Height;
        var rgb = new byte[n * 3];
        for (int i = 0, j = 0; i < n; i++, j += 4)
        {
            rgb[i * 3] = rgba[j];
            rgb[i * 3 + 1] = rgba[j + 1];
            rgb[i * 3 + 2] = rgba[j + 2];
        }
        return new RgbImage(info.Width, info.Height, rgb);
    }
}
