namespace RepLens.Rsa.Inference;

/// <summary>p-values adjusted for multiple comparisons.</summary>
/// <param name="Adjusted">Adjusted p-values (q-values for FDR), in input order; NaN where the input was NaN.</param>
/// <param name="Rejected">Whether each null hypothesis is rejected: adjusted p ≤ <paramref name="Alpha"/>.</param>
/// <param name="Alpha">The level.</param>
/// <param name="Method">The procedure, e.g. <c>benjamini-yekutieli</c>.</param>
public sealed record CorrectionResult(double[] Adjusted, bool[] Rejected, double Alpha, string Method)
{
    /// <summary>Number of rejected hypotheses.</summary>
    public int RejectedCount => Rejected.Count(r => r);
}
