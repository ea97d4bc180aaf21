using RepLens.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;

namespace RepLens.Onnx.Images;

/// <summary>
/// An ML.NET estimator that loads each stimulus image from a path column and prepares it the way
/// torchvision does on PIL images: decode to RGB (<see cref="ImageDecoder"/>), resize the shorter
/// side and centre-crop (<see cref="TorchvisionResize"/>). Its output column is an
/// <see cref="MLImage"/> of the crop size, ready for <c>ExtractPixels</c>. Create it with
/// <see cref="StimulusImageCatalog.LoadStimulusImages"/>.
/// </summary>
public sealed class StimulusImageEstimator : IEstimator<StimulusImageTransformer>
{
    internal StimulusImageEstimator(string outputColumnName, string imagePathColumnName, Preprocessing preprocessing, int prefetchCount)
    {
        PrefetchCount = prefetchCount;
        OutputColumnName = outputColumnName;
        ImagePathColumnName = imagePathColumnName;
        Preprocessing = preprocessing;
    }

    /// <summary>The image column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column holding image paths.</summary>
    public string ImagePathColumnName { get; }

    /// <summary>Size, crop and interpolation (mean, std and scale are applied later, in the network's input).</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>How many images are decoded ahead while the current one is used.</summary>
    public int PrefetchCount { get; }

    /// <inheritdoc />
    public StimulusImageTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new StimulusImageTransformer(OutputColumnName, ImagePathColumnName, Preprocessing, PrefetchCount);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        // ML.NET does not let other assemblies build schema-shape columns; loading then resizing images
        // declares exactly this estimator's output: an image column of the crop size.
        var context = new MLContext();
        return context.Transforms.LoadImages(OutputColumnName, imageFolder: null, ImagePathColumnName)
            .Append(context.Transforms.ResizeImages(OutputColumnName, Preprocessing.CropWidth, Preprocessing.CropHeight, OutputColumnName))
            .GetOutputSchema(inputSchema);
    }
}
