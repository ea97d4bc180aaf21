using RepLens.Abstractions;
using RepLens.Rsa.Inference;
using RepLens.Rsa.Units;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>category-selectivity</c> analysis.</summary>
internal sealed record CategorySelectivitySettings(
    IReadOnlyList<string> Models,
    double Alpha,
    MultipleComparisonCorrection Correction,
    TTestVariance Test,
    bool Consistency,
    DistanceMetric ConsistencyMetric,
    int ConsistencyMinUnits);
