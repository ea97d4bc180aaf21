namespace RepLens.Abstractions;

/// <summary>
/// A family of networks (ResNet, ViT, CLIP, a lab's own) that the host can extract layer
/// activations from. Registered with
/// <see cref="RepLensServiceCollectionExtensions.AddModelExtractor{T}"/>; the id is the family name used
/// in configs (<c>"family": "resnet"</c>).
/// </summary>
public interface IModelExtractor
{
    /// <summary>Models this extractor provides without a file from the user; may be empty.</summary>
    IReadOnlyList<BuiltInModelInfo> BuiltInModels { get; }

    /// <summary>
    /// Opens a model: reads the file (or the built-in model), lists its layers and prepares the
    /// extraction pipeline. Throws with a message naming the file when it is missing, not a model of
    /// this family, or truncated.
    /// </summary>
    /// <param name="request">Which model, and its options.</param>
    ILoadedModel Open(ModelRequest request);
}
