using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// The <c>itti-koch</c> target: per stimulus, the built-in Itti–Koch saliency map (Itti, Koch &amp;
/// Niebur 1998, doi:10.1109/34.730558) sampled on a 224 × 224 grid (configurable), flattened row-major
/// into a float32 vector; cosine distance between the vectors, the seed study's choice.
/// </summary>
/// <remarks>
/// Options: every <see cref="IttiKochOptions"/> parameter by its camel-case name, plus <c>size</c>
/// (224, or [width, height]), <c>alphaBackground</c> (<c>black</c> or <c>white</c>) and
/// <c>maxDegreeOfParallelism</c> (-1 = all cores; does not change results). Unknown options are refused.
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
        options.ThrowIfUnknown([.. IttiKochOptions.OptionNames, "size", "alphaBackground", "maxDegreeOfParallelism"]);
        var model = IttiKochOptions.FromPluginOptions(options);
        var (w, h) = TargetVectors.ReadSize(options, "size", 224);
        var background = options.GetEnum("alphaBackground", AlphaBackground.Black);
        int dop = TargetVectors.ReadParallelism(options);
        return new Configured(request.Name, new IttiKochSaliency(model), w, h, background, dop);
    }

    private sealed class Configured(string name, IttiKochSaliency model, int width, int height, AlphaBackground background, int dop)
        : IConfiguredTarget
    {
        public string Name => name;

        public string Fingerprint { get; } = TargetVectors.Hash(
            $"itti-koch;{model.Options.ToCanonicalString()};size={width}x{height};alphaBackground={EnumNames.Name(background)}");

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(stimuli);
            var vectors = TargetVectors.ComputeAll($"Target '{name}' (itti-koch)", stimuli, dop, cancellationToken,
                s => model.Compute(SaliencyImageIO.Load(s.ImagePath, background), width, height).Data);
            var view = TargetVectors.ToDataView(stimuli, vectors, width * height);
            return TargetRepresentation.FromVectors(view, TargetVectors.Column, DistanceMetric.Cosine);
        }
    }
}
