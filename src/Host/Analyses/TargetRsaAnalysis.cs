using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "target-rsa"</c>: for each model and each selected layer, the layer RDM compared with
/// every target RDM (Spearman by default), with permutation p-values, bootstrap confidence intervals
/// and a correction across layers — the analysis of the seed paper's Figure 2.
/// </summary>
internal sealed partial class TargetRsaAnalysis : IAnalysisKind
{
    public const string KindName = "target-rsa";

    public string Kind => KindName;

    public string Question => "How closely does each layer's representational geometry match each target's (category, saliency, semantics)?";

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        var targets = context.Resolve(reader.StringList("targets"), context.TargetNames, reader.At("targets"), "target");
        if (context.ModelNames.Count == 0) context.Errors.Add(reader.Path, "target-rsa needs at least one entry in $.models.");
        if (context.TargetNames.Count == 0) context.Errors.Add(reader.Path, "target-rsa needs at least one entry in $.targets.");
        return new TargetRsaSettings(
            models,
            targets,
            reader.Enum("layerMetric", DistanceMetric.Cosine),
            reader.Enum("comparison", ComparisonMethod.Spearman),
            reader.Int("permutations", 1000, min: 0),
            reader.Int("bootstrap", 1000, min: 0),
            reader.Double("confidenceLevel", 0.95, min: 0.5, max: 0.999),
            reader.Enum("correction", MultipleComparisonCorrection.BenjaminiHochberg));
    }
}
