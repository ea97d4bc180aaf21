using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>
/// An ONNX model read into memory with its image input identified: the source for layer listing,
/// shape probing and the rewritten extraction models.
/// </summary>
internal sealed class OnnxNetwork
{
    private readonly object _gate = new();

    private OnnxNetwork(string source, ModelProto model, ValueInfoProto input, OnnxImageInput imageInput, string contentHash)
    {
        Source = source;
        Model = model;
        InputInfo = input;
        ImageInput = imageInput;
        ContentHash = contentHash;
        Graph = new OnnxGraph(model, imageInput.Name);
    }

    internal string Source { get; }

    internal ModelProto Model { get; }

    internal ValueInfoProto InputInfo { get; }

    internal OnnxImageInput ImageInput { get; }

    internal int InputElementType => InputInfo.Type.TensorType.ElemType;

    internal OnnxGraph Graph { get; }

    /// <summary>SHA-256 (hex) of the model file's bytes.</summary>
    internal string ContentHash { get; }

    internal static OnnxNetwork Load(string path)
    {
        var model = OnnxModelFile.Load(path);
        string hash;
        using (var stream = File.OpenRead(path)) hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return FromModel(model, path, hash);
    }

    internal static OnnxNetwork FromModel(ModelProto model, string source, string contentHash)
    {
        var (input, image) = FindImageInput(model, source);
        return new OnnxNetwork(source, model, input, image, contentHash);
    }

    /// <summary>Checks that the model has exactly one input and that it is an N×3×H×W floating-point tensor.</summary>
    private static (ValueInfoProto, OnnxImageInput) FindImageInput(ModelProto model, string source)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new InvalidDataException(
                $"'{source}' has {inputs.Count} inputs ({string.Join(", ", inputs.Select(Describe))}); RepLens feeds a model one image tensor N×3×H×W.");
        var input = inputs[0];
        var tensor = input.Type?.TensorType;
        if (tensor is null || !TensorTypes.IsFloating(tensor.ElemType) || tensor.ElemType == TensorTypes.BFloat16)
            throw new InvalidDataException(
                $"'{source}': input {Describe(input)} is not an image tensor; RepLens needs a float N×3×H×W input (is this a text encoder?).");
        var dims = tensor.Shape?.Dim;
        bool channelsOk = dims is { Count: 4 } && (dims[1].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[1].DimValue == 3);
        if (!channelsOk)
            throw new InvalidDataException(
                $"'{source}': input {Describe(input)} is not an image tensor; RepLens needs N×3×H×W (batch, RGB channels, height, width).");

        static int? Fixed(TensorShapeProto.Types.Dimension d) =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? (int)d.DimValue : null;
        return (input, new OnnxImageInput(input.Name, TensorTypes.Name(tensor.ElemType), Fixed(dims![2]), Fixed(dims[3])));
    }

    private static string Describe(ValueInfoProto v) =>
        v.Type?.TensorType is { } t ? $"'{v.Name}' ({TensorTypes.Name(t.ElemType)} {TensorTypes.ShapeText(t.Shape)})" : $"'{v.Name}' (not a tensor)";

    /// <summary>
    /// Serialises the loaded model with <paramref name="graph"/> in place of its own graph (model-level
    /// fields such as opsets, metadata and local functions are kept). IR version 4 or later, so that
    /// initializers need not be listed as graph inputs.
    /// </summary>
    internal byte[] Serialize(GraphProto graph)
    {
        lock (_gate)
        {
            var original = Model.Graph;
            Model.Graph = null;
            try
            {
                var copy = Model.Clone();
                copy.Graph = graph;
                copy.IrVersion = Math.Max(copy.IrVersion, 4);
                return copy.ToByteArray();
            }
            finally
            {
                Model.Graph = original;
            }
        }
    }

    /// <summary>
    /// Runs the model once on a constant image of <paramref name="height"/> × <paramref name="width"/>
    /// (batch 1) with <paramref name="values"/> as outputs, and returns each value's element type and shape.
    /// Robust for any operator ONNX Runtime can run, including shapes computed at run time.
    /// </summary>
    internal Dictionary<string, (int ElementType, long[] Shape)> ProbeShapes(IReadOnlyCollection<string> values, int height, int width)
    {
        var graph = GraphRewriter.Prune(Model.Graph, values);
        graph.Input.Clear();
        graph.Input.Add(TensorTypes.TensorInfo(ImageInput.Name, InputElementType, new long[] { 1, 3, height, width }));
        graph.Output.Clear();
        foreach (var v in values) graph.Output.Add(new ValueInfoProto { Name = v });
        var bytes = Serialize(graph);

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{Source}': ONNX Runtime cannot load the model: {ex.Message}", ex);
        }

        using (session)
        {
            var shape = new long[] { 1, 3, height, width };
            int count = 3 * height * width;
            using var input = InputElementType switch
            {
                TensorTypes.Float16 => OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(new Float16(0x3800), count).ToArray(), shape),
                TensorTypes.Double => OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(0.5, count).ToArray(), shape),
                _ => OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(0.5f, count).ToArray(), shape),
            };
            var names = values.ToArray();
            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = session.Run(runOptions, new[] { ImageInput.Name }, new[] { input }, names);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new InvalidDataException(
                    $"'{Source}': ONNX Runtime cannot run the model on a 1×3×{height}×{width} image: {ex.Message}", ex);
            }
            using (results)
            {
                var shapes = new Dictionary<string, (int, long[])>(StringComparer.Ordinal);
                int i = 0;
                foreach (var value in results)
                {
                    if (value.OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
                    {
                        var info = value.GetTensorTypeAndShape();
                        shapes[names[i]] = ((int)info.ElementDataType, info.Shape);
                    }
                    i++;
                }
                return shapes;
            }
        }
    }
}
