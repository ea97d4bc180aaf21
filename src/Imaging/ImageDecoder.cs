using System.Runtime.InteropServices;
using RepLens.Abstractions;
using SkiaSharp;

namespace RepLens.Imaging;

/// <summary>
/// The one image decoder of RepLens (extractors, saliency, distractors, validation): any image
/// SkiaSharp reads (PNG incl. 16-bit, palette, gray and alpha; JPEG incl. CMYK; WebP, GIF, BMP) to
/// 8-bit RGB, the way PIL's <c>Image.convert("RGB")</c> does — alpha dropped (colours unpremultiplied),
/// gray replicated — so that every part of RepLens sees the same pixels as torchvision would.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an image file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Empty, not an image, truncated or corrupt; the message names the file.</exception>
    public static RgbImage Decode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(ReadAll(path), path);
    }

    /// <summary>Decodes encoded image bytes.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="source">What the bytes are (a path or a stimulus id), for messages.</param>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string source)
    {
        var (rgba, w, h) = DecodeRgba(encoded, source);
        int n = w * h;
        var rgb = new byte[n * 3];
        for (int i = 0, j = 0; i < n; i++, j += 4)
        {
            rgb[i * 3] = rgba[j];
            rgb[i * 3 + 1] = rgba[j + 1];
            rgb[i * 3 + 2] = rgba[j + 2];
        }
        return new RgbImage(w, h, rgb);
    }

    /// <summary>Width and height of an image file, without decoding its pixels.</summary>
    /// <param name="path">The file.</param>
    public static (int Width, int Height) ReadSize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var data = SKData.CreateCopy(ReadAll(path));
        using var codec = SKCodec.Create(data) ?? throw NotAnImage(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new InvalidDataException($"Image file '{path}' is empty (0 bytes).");
        return bytes;
    }

    private static (byte[] Rgba, int Width, int Height) DecodeRgba(ReadOnlySpan<byte> encoded, string source)
    {
        if (encoded.IsEmpty) throw new InvalidDataException($"Image '{source}' is empty (0 bytes).");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw NotAnImage(source);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width < 1 || info.Height < 1) throw new InvalidDataException($"Image '{source}' has no pixels ({info.Width} × {info.Height}).");
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        // IncompleteInput: a truncated file whose missing rows Skia would fill; an error, not a silent grey band.
        if (result != SKCodecResult.Success)
            throw new InvalidDataException(result == SKCodecResult.IncompleteInput
                ? $"Image '{source}' is truncated: its pixel data ends early."
                : $"Image '{source}' could not be decoded: SkiaSharp reports {result} for this {codec.EncodedFormat} file ({info.Width} × {info.Height}).");
        return (rgba, info.Width, info.Height);
    }

    private static InvalidDataException NotAnImage(string source) =>
        new($"Image '{source}' is not an image: it cannot be decoded (PNG, JPEG, WebP, GIF or BMP expected).");
}
