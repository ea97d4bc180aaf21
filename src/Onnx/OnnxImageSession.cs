using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;
using RepLens.Onnx.Extraction;
using RepLens.Onnx.Graph;

namespace RepLens.Onnx;

/// <summary>
/// An ONNX image network run directly on images held in memory, one at a time, for plugins whose output
/// is one tensor per image (an ONNX saliency model: image in, map out). The model is read and checked as
/// for extraction (<see cref="OnnxLoadedModel"/>: one float N×3×H×W input), the output's shape is probed
/// at the input size, and the graph is rewritten as for extraction: a raw 0–255 pixel input followed by
/// the per-channel normalisation of <see cref="Preprocessing"/> (scale, mean, std), the output cast to
/// float. Thread-safe: <see cref="Run"/> may be called from several threads at once.
/// </summary>
public sealed class OnnxImageSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly long[] _inputShape;
    private bool _disposed;

    private OnnxImageSession(string modelPath, string contentHash, OnnxImageInput imageInput, Preprocessing preprocessing,
        string outputName, long[] outputShape, InferenceSession session, string inputName)
    {
        ModelPath = modelPath;
        ContentHash = contentHash;
        ImageInput = imageInput;
        Preprocessing = preprocessing;
        OutputName = outputName;
        OutputShape = outputShape;
        _session = session;
        _inputName = inputName;
        _inputShape = new long[] { 1, 3, preprocessing.CropHeight, preprocessing.CropWidth };
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>SHA-256 (lower-case hex) of the model file's bytes, for fingerprints.</summary>
    public string ContentHash { get; }

    /// <summary>The model's image input as declared in the file.</summary>
    public OnnxImageInput ImageInput { get; }

    /// <summary>
    /// The preprocessing: the input size is <see cref="Preprocessing.CropHeight"/> ×
    /// <see cref="Preprocessing.CropWidth"/>; <see cref="Preprocessing.PixelScale"/>, mean, std and channel
    /// order are applied by <see cref="Run"/>. Resizing is the caller's (see <see cref="Run"/>).
    /// </summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>The ONNX value returned by <see cref="Run"/>.</summary>
    public string OutputName { get; }

    /// <summary>Shape of the output for one image (batch 1, e.g. [1, 1, h, w]).</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>Opens a model.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="preprocessing">Input size (the crop) and normalisation.</param>
    /// <param name="outputName">The value to return: a graph output or any intermediate value; <c>null</c> for the model's only output.</param>
    /// <param name="intraOpThreads">Threads ONNX Runtime uses inside one run; 0 for its default (all cores).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX image model, its input size differs from the preprocessing's, the output does not exist or is not a floating-point tensor; the message names the file.</exception>
    public static OnnxImageSession Open(string modelPath, Preprocessing preprocessing, string? outputName = null, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return Open(modelPath, _ => preprocessing, outputName, intraOpThreads);
    }

    /// <summary>Opens a model, choosing the preprocessing once the model's input is known (e.g. its fixed size).</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="preprocessingFor">Gives the input size (the crop) and normalisation for the model's declared image input.</param>
    /// <param name="outputName">The value to return: a graph output or any intermediate value; <c>null</c> for the model's only output.</param>
    /// <param name="intraOpThreads">Threads ONNX Runtime uses inside one run; 0 for its default (all cores).</param>
    public static OnnxImageSession Open(string modelPath, Func<OnnxImageInput, Preprocessing> preprocessingFor, string? outputName = null, int intraOpThreads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(preprocessingFor);
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        var network = OnnxNetwork.Load(modelPath);
        var preprocessing = preprocessingFor(network.ImageInput)
            ?? throw new InvalidOperationException("The preprocessing callback returned null.");
        int h = preprocessing.CropHeight, w = preprocessing.CropWidth;
        var input = network.ImageInput;
        if ((input.Height is { } fh && fh != h) || (input.Width is { } fw && fw != w))
            throw new InvalidDataException(
                $"'{modelPath}': the model's input '{input.Name}' is fixed at {input.Height?.ToString() ?? "any"} × {input.Width?.ToString() ?? "any"} (height × width) pixels; the images were to be {h} × {w}.");

        var outputs = network.Graph.GraphOutputs;
        var name = outputName ?? (outputs.Count == 1
            ? outputs[0]
            : throw new InvalidDataException($"'{modelPath}' has {outputs.Count} outputs ({string.Join(", ", outputs)}); name the one to use."));
        if (!network.Graph.IsGraphOutput(name) && network.Graph.Producer(name) is null)
            throw new InvalidDataException($"'{modelPath}' has no value '{name}'; its outputs are: {string.Join(", ", outputs)}.");
        var probed = network.ProbeShapes(new[] { name }, h, w);
        if (!probed.TryGetValue(name, out var info) || !TensorTypes.IsFloating(info.ElementType))
            throw new InvalidDataException($"'{modelPath}': value '{name}' is not a floating-point tensor.");

        var plan = new LayerOutputPlan(name, name, info.ElementType, info.Shape, TokenPooling.All, -1, 0);
        var (bytes, inputName) = ExtractionGraphBuilder.Build(network, h, w, preprocessing, new[] { plan });
        var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{modelPath}': ONNX Runtime cannot load the model: {ex.Message}", ex);
        }
        finally
        {
            options.Dispose();
        }
        return new OnnxImageSession(modelPath, network.ContentHash, input, preprocessing, name, info.Shape, session, inputName);
    }

    /// <summary>
    /// Runs the model on one image already at the input size (resize it first, e.g. with
    /// <c>RepLens.Imaging.TorchvisionResize</c>) and returns the output's values, row-major, in the shape
    /// <see cref="OutputShape"/>.
    /// </summary>
    /// <param name="image">An image of <see cref="Preprocessing.CropWidth"/> × <see cref="Preprocessing.CropHeight"/> pixels.</param>
    /// <exception cref="ArgumentException">The image is not of the input size.</exception>
    public float[] Run(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int h = Preprocessing.CropHeight, w = Preprocessing.CropWidth, n = h * w;
        if (image.Width != w || image.Height != h)
            throw new ArgumentException($"Model '{ModelPath}' takes {w} × {h} images (width × height); got {image.Width} × {image.Height}.", nameof(image));
        var pixels = new float[3 * n];
        var src = image.Pixels;
        bool bgr = Preprocessing.ChannelOrder == ChannelOrder.Bgr;
        for (int c = 0; c < 3; c++)
        {
            int from = bgr ? 2 - c : c;
            var plane = pixels.AsSpan(c * n, n);
            for (int i = 0; i < n; i++) plane[i] = src[3 * i + from];
        }
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, _inputShape);
        using var runOptions = new RunOptions();
        try
        {
            using var results = _session.Run(runOptions, new[] { _inputName }, new[] { input }, new[] { OutputName });
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{ModelPath}': ONNX Runtime failed on a {w} × {h} image: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
