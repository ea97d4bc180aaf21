using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>brain-rsa</c> analysis.</summary>
internal sealed record BrainRsaSettings(
    string Brain,
    IReadOnlyList<string> Rois,
    HemisphereMode Hemispheres,
    DistanceMetric RoiMetric,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Targets,
    DistanceMetric LayerMetric,
    ComparisonMethod Comparison,
    int Permutations,
    int Bootstrap,
    double ConfidenceLevel,
    MultipleComparisonCorrection Correction);
