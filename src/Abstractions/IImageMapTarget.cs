namespace RepLens.Abstractions;

/// <summary>
/// An optional capability of a configured target whose representation is a map computed from each
/// image (a saliency model): the map of any image held in memory, and the exact vector the target puts
/// in its RDM for that image. Callers test for it (<c>configured is IImageMapTarget maps</c>); the
/// host's <c>replens saliency</c> writes the maps, and the distractor builder scores edited images it
/// never writes to disk with the same numbers the target gives the stimulus set.
/// </summary>
/// <remarks>
/// Implementations are thread-safe (one instance may serve many threads) and deterministic: the same
/// image gives the same values, byte for byte. A target whose maps do not come from the image (precomputed
/// maps, eye-tracking data) does not implement this interface.
/// </remarks>
public interface IImageMapTarget : IConfiguredTarget
{
    /// <summary>The map of <paramref name="image"/> at the image's own size.</summary>
    /// <param name="image">The image, 8-bit RGB as <c>RepLens.Imaging.ImageDecoder</c> decodes files.</param>
    /// <returns>A (Height × Width) matrix, one value per pixel of the image, row-major.</returns>
    /// <exception cref="ArgumentException">The image cannot be used (e.g. too small for the model).</exception>
    FloatMatrix ComputeMap(RgbImage image);

    /// <summary>
    /// The vector this target uses for <paramref name="image"/> in its RDM — exactly what
    /// <see cref="IConfiguredTarget.Compute"/> gives the stimulus whose image this is (e.g. the map sampled
    /// on a 224 × 224 grid, flattened row-major).
    /// </summary>
    /// <param name="image">The image, 8-bit RGB.</param>
    /// <returns>The vector; its length is the same for every image.</returns>
    float[] ComputeVector(RgbImage image);
}
