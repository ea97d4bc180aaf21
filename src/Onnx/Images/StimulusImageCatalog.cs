using Microsoft.ML;
using RepLens.Abstractions;

namespace RepLens.Onnx.Images;

/// <summary>Catalog-style entry point for <see cref="StimulusImageEstimator"/>.</summary>
public static class StimulusImageCatalog
{
    /// <summary>
    /// Loads the images named in <paramref name="imagePathColumnName"/> as torchvision's
    /// <c>Resize(ResizeShorterSide)</c> + <c>CenterCrop(CropHeight, CropWidth)</c> do on PIL images.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="outputColumnName">The image column to write (an <c>MLImage</c> of the crop size).</param>
    /// <param name="imagePathColumnName">The text column with image file paths.</param>
    /// <param name="preprocessing">Resize, crop and interpolation to apply.</param>
    /// <param name="prefetchCount">Images decoded ahead on the thread pool while the current one is used (0 for none).</param>
    public static StimulusImageEstimator LoadStimulusImages(this TransformsCatalog catalog, string outputColumnName, string imagePathColumnName, Preprocessing preprocessing, int prefetchCount = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefetchCount);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(imagePathColumnName);
        ArgumentNullException.ThrowIfNull(preprocessing);
        return new StimulusImageEstimator(outputColumnName, imagePathColumnName, preprocessing, prefetchCount);
    }
}
