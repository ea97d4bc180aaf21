using RepLens.Abstractions;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>target-rsa</c> analysis.</summary>
internal sealed record TargetRsaSettings(
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Targets,
    DistanceMetric LayerMetric,
    RsaInference Inference);
