namespace RepLens.Abstractions;

/// <summary>
/// The host's image decoder, offered to plugins as a service: a target or extractor that takes it in its
/// constructor decodes stimulus images exactly as every built-in extractor and target does (PIL's
/// <c>Image.convert("RGB")</c>: alpha dropped, palette, gray, 16-bit and CMYK JPEG converted), without
/// referencing an imaging library of its own.
/// <code>
/// public sealed class EdgeDensityTarget(IImageDecoder images) : IRepresentationalTarget { … images.Decode(stimulus.ImagePath) … }
/// </code>
/// </summary>
/// <remarks>Implementations are thread-safe. In unit tests of a plugin, pass a fake that returns in-memory images.</remarks>
public interface IImageDecoder
{
    /// <summary>Decodes the image file at <paramref name="path"/> to 8-bit RGB.</summary>
    /// <param name="path">An image file (PNG, JPEG, BMP, GIF, WebP).</param>
    /// <returns>The image at its own size.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or not a decodable image; the message names the file.</exception>
    RgbImage Decode(string path);
}
