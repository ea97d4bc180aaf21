using RepLens.Abstractions;
using RepLens.Imaging;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// The <c>itti-koch</c> target: per stimulus, the built-in Itti–Koch saliency map (Itti, Koch &amp;
/// Niebur 1998, doi:10.1109/34.730558) sampled on a 224 × 224 grid (configurable), flattened row-major
/// into a float32 vector; cosine distance between the vectors, the seed study's choice. Images are decoded
/// by <see cref="ImageDecoder"/> (PIL's <c>convert("RGB")</c>: alpha dropped). The configured target is an
/// <see cref="IImageMapTarget"/>: maps of in-memory images at their own size, and the RDM vector.
/// </summary>
/// <remarks>
/// Options: every <see cref="IttiKochOptions"/> parameter by its camel-case name, plus <c>size</c>
/// (224, or [width, height]) and <c>maxDegreeOfParallelism</c> (-1 = all cores; does not change
/// results). Unknown options are refused.
/// </remarks>
public sealed class IttiKochTarget : IRepresentationalTarget
{
    /// <inheritdoc />
    public string Description => "Built-in Itti–Koch bottom-up saliency (Itti, Koch & Niebur 1998), maps flattened at 224 × 224; no weights needed.";

    /// <inheritdoc />
    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.ThrowIfUnknown([.. IttiKochOptions.OptionNames, "size", "maxDegreeOfParallelism"]);
        var model = IttiKochOptions.FromPluginOptions(options);
        var (w, h) = TargetVectors.ReadSize(options, "size", 224);
        int dop = TargetVectors.ReadParallelism(options);
        return new Configured(request.Name, new IttiKochSaliency(model), w, h, dop);
    }

    private sealed class Configured(string name, IttiKochSaliency model, int width, int height, int dop) : IImageMapTarget
    {
        public string Name => name;

        // "alpha=drop": images with transparency give other maps than before the shared decoder.
        public string Fingerprint { get; } = TargetVectors.Hash(
            $"itti-koch;{model.Options.ToCanonicalString()};size={width}x{height};alpha=drop");

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(stimuli);
            var vectors = TargetVectors.ComputeAll($"Target '{name}' (itti-koch)", stimuli, dop, cancellationToken,
                s => ComputeVector(ImageDecoder.Decode(s.ImagePath)));
            return TargetRepresentation.FromVectors(stimuli, vectors, DistanceMetric.Cosine);
        }

        public FloatMatrix ComputeMap(RgbImage image)
        {
            ArgumentNullException.ThrowIfNull(image);
            return model.Compute(image).ToMatrix();
        }

        public float[] ComputeVector(RgbImage image)
        {
            ArgumentNullException.ThrowIfNull(image);
            return model.Compute(image, width, height).Data;
        }
    }
}
