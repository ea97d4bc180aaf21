namespace RepLens.Rsa.Units;

/// <summary>Per-unit two-sample t-test results, U values each.</summary>
/// <param name="T">t statistics: (μ_A − μ_B) / SE; NaN where both groups are constant and equal, ±∞ where they are constant and differ.</param>
/// <param name="DegreesOfFreedom">Degrees of freedom (Welch–Satterthwaite or n_A + n_B − 2).</param>
/// <param name="P">p-values under the chosen alternative, from the exact Student t distribution.</param>
/// <param name="MeanDifference">μ_A − μ_B.</param>
/// <param name="Variance">The variance assumption.</param>
/// <param name="Alternative">The alternative hypothesis.</param>
public sealed record UnitTTestResult(
    double[] T,
    double[] DegreesOfFreedom,
    double[] P,
    double[] MeanDifference,
    TTestVariance Variance,
    TTestAlternative Alternative);
