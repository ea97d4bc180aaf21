using RepLens.Abstractions;
using RepLens.Onnx.Layers;

namespace RepLens.Onnx;

/// <summary>What a model family tells <see cref="OnnxLoadedModel"/> about its exports.</summary>
/// <param name="Family">The extractor id (<c>resnet</c>, <c>vit</c>, <c>clip</c>).</param>
/// <param name="DefaultPreprocessing">
/// The family's preprocessing. Overridden by the model's own metadata (written by
/// <c>tools/export_onnx.py</c>) and then by the options in the config; when the model's input has a
/// fixed size and no crop is given, the crop is that size and the resize keeps this default's
/// resize-to-crop ratio.
/// </param>
/// <param name="SupportsTokenPooling">Whether token layers take the <c>tokens</c>/<c>layerTokens</c>/<c>prefixTokens</c> options (transformers).</param>
/// <param name="Naming">
/// The layer naming strategy, or <c>null</c> to choose by the graph: <see cref="ModulePathNaming"/> for PyTorch
/// exports, else <paramref name="UnscopedNaming"/> where it can name the graph, else <see cref="NodeNameNaming"/>.
/// </param>
/// <param name="InputAdapterPath">
/// An ONNX model run between the preprocessing and the network: one input (the 1×3×H×W pixels after
/// <see cref="Preprocessing.PixelScale"/>, mean and std, in <see cref="Preprocessing.ChannelOrder"/>) and
/// one output (the network's input). For preprocessing that is not per channel, e.g. the mean image a
/// CNTK or Caffe network subtracts. <c>null</c> for none.
/// </param>
/// <param name="UnscopedNaming">
/// The family's naming for graphs without module paths, tried before <see cref="NodeNameNaming"/> when the
/// naming is chosen automatically (e.g. <see cref="ResNetStructureNaming"/> for the ResNet family); also
/// selectable by its id in the <c>naming</c> option. <c>null</c> for none.
/// </param>
public sealed record OnnxModelSettings(
    string Family,
    Preprocessing DefaultPreprocessing,
    bool SupportsTokenPooling = false,
    ILayerNamingStrategy? Naming = null,
    string? InputAdapterPath = null,
    ILayerNamingStrategy? UnscopedNaming = null)
{
    /// <summary>Option keys every ONNX family accepts.</summary>
    public static IReadOnlyList<string> CommonOptionKeys { get; } = new[]
    {
        "resize", "crop", "interpolation", "mean", "std", "pixelScale", "channelOrder", "naming",
    };

    /// <summary>Option keys of families with token pooling.</summary>
    public static IReadOnlyList<string> TokenOptionKeys { get; } = new[] { "tokens", "layerTokens", "prefixTokens" };

    /// <summary>All option keys this family accepts.</summary>
    public IReadOnlyList<string> OptionKeys => SupportsTokenPooling ? CommonOptionKeys.Concat(TokenOptionKeys).ToArray() : CommonOptionKeys;
}
