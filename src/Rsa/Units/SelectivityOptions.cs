using RepLens.Rsa.Inference;

namespace RepLens.Rsa.Units;

/// <summary>How <see cref="UnitSelectivity"/> tests units: the t-test, the correction and its level.</summary>
public sealed record SelectivityOptions
{
    /// <summary>Variance assumption of the two-sample t-tests (default Welch).</summary>
    public TTestVariance Variance { get; init; } = TTestVariance.Welch;

    /// <summary>
    /// Correction across the units of a layer, separately for each category (default
    /// Benjamini–Yekutieli, valid under any dependence between units).
    /// </summary>
    public MultipleComparisonCorrection Correction { get; init; } = MultipleComparisonCorrection.BenjaminiYekutieli;

    /// <summary>
    /// Level of the correction: the false discovery rate (BH, BY), the family-wise error rate
    /// (Bonferroni) or the per-unit level (none). Must lie in (0, 0.5); default 0.05.
    /// </summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>
    /// Compute p_max exactly for every testable unit (default true). When false, units whose smallest t
    /// is below the normal critical value z_{1−α} are not given a p-value (NaN): a Student t tail is
    /// heavier than the normal one, so their p_max exceeds α for certain and no correction can select
    /// them. Selections and counts are identical either way; false saves most incomplete-beta
    /// evaluations on large layers.
    /// </summary>
    public bool ExactPValues { get; init; } = true;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α is not in (0, 0.5), or an enum value is undefined.</exception>
    public void Validate()
    {
        if (!(Alpha > 0 && Alpha < 0.5))
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "The level α must lie in (0, 0.5).");
        if (!Enum.IsDefined(Variance)) throw new ArgumentOutOfRangeException(nameof(Variance), Variance, "Unknown variance assumption.");
        if (!Enum.IsDefined(Correction)) throw new ArgumentOutOfRangeException(nameof(Correction), Correction, "Unknown correction.");
    }
}
