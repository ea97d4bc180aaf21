namespace RepLens.Rsa.Units;

/// <summary>Variance assumption of a two-sample t-test. Config names: <c>welch</c>, <c>student</c>.</summary>
public enum TTestVariance
{
    /// <summary>Unequal variances, Welch–Satterthwaite degrees of freedom (Welch 1947, doi:10.1093/biomet/34.1-2.28); <c>scipy.stats.ttest_ind(equal_var=False)</c>.</summary>
    Welch,

    /// <summary>Equal variances, pooled estimate, n_A + n_B − 2 degrees of freedom; <c>scipy.stats.ttest_ind(equal_var=True)</c>.</summary>
    Student,
}
