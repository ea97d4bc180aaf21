using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;

namespace Lab.MyPlugin;

/// <summary>
/// The <c>my-plugin</c> model extractor: opens an ONNX network (<c>"onnx": "model.onnx"</c> in the config)
/// and offers its <b>graph outputs</b> as layers. Export the layers you want as outputs (e.g. with
/// <c>torch.onnx.export(..., output_names=[...])</c>), or extend <see cref="MyPluginLoadedModel"/>.
/// </summary>
/// <remarks>
/// Deliberately minimal: RepLens's built-in extractors (resnet, vit, clip) expose every intermediate
/// tensor and per-channel normalisation through RepLens.Onnx, which is not a package yet. This one reads
/// images with ML.NET, resizes them to the network's input size (isotropic crop), scales RGB to 0–1 and runs
/// ONNX Runtime — fold any mean/std normalisation into the exported network.
/// The host's <see cref="MLContext"/> comes by constructor injection.
/// </remarks>
public sealed class MyPluginExtractor(MLContext ml) : IModelExtractor
{
    /// <inheritdoc />
    public IReadOnlyList<BuiltInModelInfo> BuiltInModels => Array.Empty<BuiltInModelInfo>();

    /// <inheritdoc />
    public ILoadedModel Open(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.ThrowIfUnknown();
        if (request.BuiltIn is not null)
            throw new ConfigurationErrorException(request.Options.Path, $"my-plugin has no built-in model '{request.BuiltIn}'; give an ONNX file.");
        var path = request.ModelPath ?? throw new ConfigurationErrorException(request.Options.Path, "my-plugin needs an ONNX file (\"onnx\": \"model.onnx\").");
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);

        InferenceSession session;
        try
        {
            session = new InferenceSession(path);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model ONNX Runtime can open: {e.Message}", e);
        }
        using (session)
        {
            if (session.InputMetadata.Count != 1)
                throw new InvalidDataException($"'{path}' has {session.InputMetadata.Count} inputs; my-plugin expects one image input [1, 3, H, W].");
            var (inputName, input) = session.InputMetadata.First();
            var dims = input.Dimensions;
            if (dims.Length != 4 || dims[1] != 3 || dims[2] <= 0 || dims[3] <= 0)
                throw new InvalidDataException($"'{path}': input '{inputName}' has shape [{string.Join(", ", dims)}]; my-plugin expects [1, 3, H, W] with fixed H and W.");
            var layers = new List<LayerDescription>();
            int depth = 0;
            foreach (var (outputName, output) in session.OutputMetadata)
            {
                var shape = output.Dimensions.Skip(1).ToArray();
                if (shape.Any(d => d <= 0))
                    throw new InvalidDataException($"'{path}': output '{outputName}' has shape [{string.Join(", ", output.Dimensions)}]; every dimension after the batch must be fixed.");
                layers.Add(new LayerDescription(outputName, outputName, "Output", LayerKind.Output, shape, depth++));
            }
            return new MyPluginLoadedModel(ml, request.Name, path, inputName, dims[2], dims[3], layers);
        }
    }
}
