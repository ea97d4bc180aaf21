using RepLens.Host.Configuration;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Analyses;

/// <summary>How the RSA analyses compare RDMs and test the result: one set of keys and defaults for all of them.</summary>
/// <param name="Comparison">How two RDMs are compared (<c>comparison</c>, Spearman by default).</param>
/// <param name="Permutations">Stimulus-label permutations for p-values (<c>permutations</c>, 1000; 0 for none).</param>
/// <param name="Bootstrap">Bootstrap resamples over stimuli for confidence intervals (<c>bootstrap</c>, 1000).</param>
/// <param name="ConfidenceLevel">Of the bootstrap intervals (<c>confidenceLevel</c>, 0.95).</param>
/// <param name="Correction">Multiple-comparison correction across layers (<c>correction</c>, Benjamini–Hochberg).</param>
internal sealed record RsaInference(
    ComparisonMethod Comparison,
    int Permutations,
    int Bootstrap,
    double ConfidenceLevel,
    MultipleComparisonCorrection Correction)
{
    /// <summary>Reads the keys of an analysis entry.</summary>
    /// <param name="reader">The analysis entry.</param>
    /// <param name="permutations">Whether the analysis runs permutation tests (reads <c>permutations</c>; 0 otherwise).</param>
    /// <param name="minBootstrap">The fewest bootstrap resamples accepted.</param>
    public static RsaInference Read(JsonObjectReader reader, bool permutations = true, int minBootstrap = 0) => new(
        reader.Enum("comparison", ComparisonMethod.Spearman),
        permutations ? reader.Int("permutations", 1000, min: 0) : 0,
        reader.Int("bootstrap", 1000, min: minBootstrap),
        reader.Double("confidenceLevel", 0.95, min: 0.5, max: 0.999),
        reader.Enum("correction", MultipleComparisonCorrection.BenjaminiHochberg));
}
