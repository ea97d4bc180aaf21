using RepLens.Rsa.Comparisons;

namespace RepLens.Rsa.Inference;

/// <summary>Leave-one-subject-out noise ceiling.</summary>
/// <param name="Lower">Mean over subjects of cmp(mean of the other subjects' RDMs, this subject's RDM).</param>
/// <param name="Upper">Mean over subjects of cmp(mean of all subjects' RDMs, this subject's RDM).</param>
/// <param name="LowerPerSubject">The lower bound of each subject, in input order.</param>
/// <param name="UpperPerSubject">The upper bound of each subject, in input order.</param>
/// <param name="Method">The comparison used.</param>
public sealed record NoiseCeilingResult(
    double Lower,
    double Upper,
    double[] LowerPerSubject,
    double[] UpperPerSubject,
    ComparisonMethod Method);
