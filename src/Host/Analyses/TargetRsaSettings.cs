using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>target-rsa</c> analysis.</summary>
internal sealed record TargetRsaSettings(
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Targets,
    DistanceMetric LayerMetric,
    ComparisonMethod Comparison,
    int Permutations,
    int Bootstrap,
    double ConfidenceLevel,
    MultipleComparisonCorrection Correction);
