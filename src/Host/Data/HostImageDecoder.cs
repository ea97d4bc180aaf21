using RepLens.Abstractions;
using RepLens.Imaging;

namespace RepLens.Host.Data;

/// <summary>
/// The <see cref="IImageDecoder"/> service the host offers plugins: RepLens.Imaging's decoder, the one
/// every built-in extractor and target uses, so a third-party target sees the same pixels.
/// </summary>
internal sealed class HostImageDecoder : IImageDecoder
{
    public RgbImage Decode(string path) => ImageDecoder.Decode(path);
}
