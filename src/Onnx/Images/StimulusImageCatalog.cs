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
    public static StimulusImageEstimator LoadStimulusImages(this TransformsCatalog catalog, string outputColumnName, string imagePathColumnName, Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(imagePathColumnName);
        ArgumentNullException.ThrowIfNull(preprocessing);
        return new StimulusImageEstimator(outputColumnName, imagePathColumnName, preprocessing);
    }
}
