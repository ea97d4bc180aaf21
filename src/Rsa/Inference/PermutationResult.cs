namespace RepLens.Rsa.Inference;

/// <summary>The outcome of a stimulus-label permutation test.</summary>
/// <param name="Observed">The comparison of the unpermuted RDMs.</param>
/// <param name="PValue">One-sided p = (1 + #{r_perm ≥ r}) / (1 + K); NaN if the observed value is NaN.</param>
/// <param name="Permutations">K, the number of permutations.</param>
/// <param name="Seed">The seed that reproduces the test.</param>
/// <param name="Null">The K permuted values (the null distribution), in permutation order.</param>
public sealed record PermutationResult(double Observed, double PValue, int Permutations, ulong Seed, double[] Null);
