using RepLens.Abstractions;

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
    RsaInference Inference);
