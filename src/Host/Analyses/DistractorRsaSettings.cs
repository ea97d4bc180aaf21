using RepLens.Abstractions;
using RepLens.Host.Distractors;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>distractor-rsa</c> analysis.</summary>
/// <param name="Distractors">The distractor set's folder (absolute).</param>
/// <param name="Conditions">The conditions analysed (empty: all the set has).</param>
/// <param name="FigureAbsolute">Plot |ΔRSA| (the seed paper's figure) rather than signed ΔRSA with its intervals.</param>
internal sealed record DistractorRsaSettings(
    string Distractors,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Targets,
    IReadOnlyList<DistractorCondition> Conditions,
    DistanceMetric LayerMetric,
    RsaInference Inference,
    bool FigureAbsolute);
