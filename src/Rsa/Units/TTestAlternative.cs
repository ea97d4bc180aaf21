namespace RepLens.Rsa.Units;

/// <summary>Alternative hypothesis of a t-test of group A against group B. Config names: <c>two-sided</c>, <c>greater</c>, <c>less</c> (as SciPy).</summary>
public enum TTestAlternative
{
    /// <summary>μ_A ≠ μ_B.</summary>
    TwoSided,

    /// <summary>μ_A &gt; μ_B (one-sided; the localizer's "preferred category responds more").</summary>
    Greater,

    /// <summary>μ_A &lt; μ_B (one-sided).</summary>
    Less,
}
