using System.Globalization;
using RepLens.Abstractions;
using RepLens.Imaging;
using RepLens.Onnx;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// The <c>onnx-saliency</c> target: a saliency model the user brings as ONNX (image in, map out: input
/// N×3×H×W float, output N×1×h×w or N×h×w). Each image is decoded by <see cref="ImageDecoder"/>, resized
/// whole to the model's input size (PIL's resize, aspect ratio not kept, so that the map covers the whole
/// image), normalised (ImageNet mean and std by default) and run through ONNX Runtime
/// (<see cref="OnnxImageSession"/>); the map is resized bilinearly to the image
/// (<see cref="IImageMapTarget.ComputeMap"/>) or to the 224 × 224 grid of the RDM vector; cosine distance.
/// </summary>
/// <remarks>
/// Options: <c>model</c> (the .onnx file, required), <c>inputSize</c> (one number or [width, height]; the
/// model's own size when its input is fixed, required otherwise), <c>mean</c>, <c>std</c> (three values,
/// ImageNet by default), <c>pixelScale</c> (1/255), <c>interpolation</c> (bilinear, bicubic),
/// <c>channelOrder</c> (rgb, bgr), <c>output</c> (the output to read when the model has several),
/// <c>size</c> (the RDM grid, 224 or [width, height]), <c>threads</c> (ONNX Runtime threads per image; 0 =
/// all cores) and <c>maxDegreeOfParallelism</c> (images at once, default 1).
/// </remarks>
public sealed class OnnxSaliencyTarget : IRepresentationalTarget
{
    private static readonly string[] OptionNames =
    [
        "model", "inputSize", "mean", "std", "pixelScale", "interpolation", "channelOrder", "output", "size", "threads", "maxDegreeOfParallelism",
    ];

    /// <inheritdoc />
    public string Description => "An ONNX saliency model (image in, map out), maps resized to 224 × 224 and flattened.";

    /// <inheritdoc />
    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.ThrowIfUnknown(OptionNames);
        var model = options.GetPath("model")
            ?? throw new ConfigurationErrorException($"{options.Path}.model", "required: the ONNX file of the saliency model.");
        if (!File.Exists(model)) throw new ConfigurationErrorException($"{options.Path}.model", $"file '{model}' does not exist.");
        var (w, h) = TargetVectors.ReadSize(options, "size", 224);
        int dop = options.GetInt32("maxDegreeOfParallelism", 1);
        if (dop == 0 || dop < -1)
            throw new ConfigurationErrorException($"{options.Path}.maxDegreeOfParallelism", $"expected -1 (all cores) or a positive number of images at once; got {dop}.");
        int threads = options.GetInt32("threads", 0);
        if (threads < 0) throw new ConfigurationErrorException($"{options.Path}.threads", $"expected 0 (all cores) or a positive number; got {threads}.");
        var output = options.GetString("output");

        (int Width, int Height) input = default;
        Preprocessing PreprocessingFor(Onnx.Graph.OnnxImageInput declared)
        {
            // The input size: the option, else the model's fixed size.
            if (options.Has("inputSize"))
            {
                input = TargetVectors.ReadSize(options, "inputSize", 0);
                if ((declared.Height is { } dh && dh != input.Height) || (declared.Width is { } dw && dw != input.Width))
                    throw new ConfigurationErrorException($"{options.Path}.inputSize",
                        $"the model '{model}' takes {Text(declared.Width)} × {Text(declared.Height)} images (width × height), not {input.Width} × {input.Height}.");
            }
            else if (declared is { Width: { } fw, Height: { } fh })
            {
                input = (fw, fh);
            }
            else
            {
                throw new ConfigurationErrorException($"{options.Path}.inputSize",
                    $"required: the model '{model}' accepts images of any size ({Text(declared.Width)} × {Text(declared.Height)}); give the size to resize them to, [width, height].");
            }
            var defaults = Preprocessing.ImageNet with
            {
                ResizeShorterSide = Math.Min(input.Width, input.Height),
                CropHeight = input.Height,
                CropWidth = input.Width,
                Description = "whole image resized (aspect ratio not kept)",
            };
            return PreprocessingResolver.Resolve(defaults, declared with { Height = input.Height, Width = input.Width }, null, options);
        }

        OnnxImageSession session;
        try
        {
            session = OnnxImageSession.Open(model, PreprocessingFor, output, threads);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationErrorException($"{options.Path}.model", e.Message);
        }
        try
        {
            var shape = session.OutputShape;
            bool isMap = (shape.Count == 4 && shape[0] == 1 && shape[1] == 1) || (shape.Count == 3 && shape[0] == 1);
            if (!isMap || shape[^1] < 1 || shape[^2] < 1)
                throw new ConfigurationErrorException($"{options.Path}.model",
                    $"output '{session.OutputName}' of '{model}' has shape [{string.Join(", ", shape)}] for one image; a saliency model gives N×1×h×w or N×h×w.");
            return new Configured(request.Name, session, input.Width, input.Height, (int)shape[^1], (int)shape[^2], w, h, dop);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static string Text(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "any";

    private sealed class Configured(string name, OnnxImageSession session, int inputWidth, int inputHeight, int mapWidth, int mapHeight,
        int width, int height, int dop) : IImageMapTarget, IDisposable
    {
        public string Name => name;

        public string Fingerprint { get; } = TargetVectors.Hash(string.Join(";", "onnx-saliency-1", session.ContentHash, session.OutputName,
            $"input={inputWidth}x{inputHeight}", session.Preprocessing.ToString(), $"size={width}x{height}"));

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(stimuli);
            var vectors = TargetVectors.ComputeAll($"Target '{name}' (onnx-saliency, model '{session.ModelPath}')", stimuli, dop, cancellationToken,
                s => ComputeVector(ImageDecoder.Decode(s.ImagePath)));
            return TargetRepresentation.FromVectors(stimuli, vectors, DistanceMetric.Cosine);
        }

        public FloatMatrix ComputeMap(RgbImage image)
        {
            ArgumentNullException.ThrowIfNull(image);
            return RawMap(image).Resize(image.Width, image.Height).ToMatrix();
        }

        public float[] ComputeVector(RgbImage image)
        {
            ArgumentNullException.ThrowIfNull(image);
            var map = RawMap(image);
            return (map.Width == width && map.Height == height ? map : map.Resize(width, height)).Data;
        }

        public void Dispose() => session.Dispose();

        /// <summary>The model's map at its own resolution.</summary>
        private SaliencyMap RawMap(RgbImage image)
        {
            var input = image.Width == inputWidth && image.Height == inputHeight
                ? image
                : TorchvisionResize.Resize(image, inputWidth, inputHeight, session.Preprocessing.Interpolation);
            var values = session.Run(input);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new InvalidDataException($"model '{session.ModelPath}' gave a non-finite value ({values[i]}) at row {i / mapWidth}, column {i % mapWidth} of its map.");
            }
            return new SaliencyMap(mapWidth, mapHeight, values);
        }
    }
}
