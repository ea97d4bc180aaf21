namespace RepLens.Rsa.Units;

/// <summary>
/// Per-unit and per-group results of the category localizer over the U units of one layer
/// (<see cref="UnitSelectivity"/>). Per-unit arrays have U entries, indexed like the columns of the
/// (N × U) response matrix (the flattened activation, C order).
/// </summary>
public sealed class UnitSelectivityResult
{
    internal UnitSelectivityResult(SelectivityOptions options, IReadOnlyList<GroupSelectivity> groups, int[] preferred,
        double[] tMin, double[] pMax, double[] csi, int[] selectiveFor, int constantUnits, int screenedUnits)
    {
        Options = options;
        Groups = groups;
        Preferred = preferred;
        TMin = tMin;
        PMax = pMax;
        Csi = csi;
        SelectiveFor = selectiveFor;
        ConstantUnits = constantUnits;
        ScreenedUnits = screenedUnits;
    }

    /// <summary>The options the units were tested with.</summary>
    public SelectivityOptions Options { get; }

    /// <summary>One summary per group, in group order.</summary>
    public IReadOnlyList<GroupSelectivity> Groups { get; }

    /// <summary>U, the number of units.</summary>
    public int Units => Preferred.Length;

    /// <summary>
    /// Per unit, its preferred group: the one with the highest mean response (the first on ties), the
    /// only group it can be selective for; −1 for units constant over every stimulus (untestable).
    /// </summary>
    public int[] Preferred { get; }

    /// <summary>
    /// Per unit, the smallest t of the preferred group against each other group (one-sided, preferred
    /// &gt; other); +∞ where every comparison has zero variance and a positive difference; NaN for
    /// untestable units and where a comparison is undefined (equal means, zero variance in both groups).
    /// </summary>
    public double[] TMin { get; }

    /// <summary>
    /// Per unit, the largest one-sided p of those comparisons — the intersection–union p-value of "the
    /// unit is selective for its preferred group" (Berger 1982). NaN for untestable units and, with
    /// <see cref="SelectivityOptions.ExactPValues"/> false, for screened units (p_max &gt; α for certain).
    /// </summary>
    public double[] PMax { get; }

    /// <summary>
    /// Per unit, the Category Selectivity Index of its preferred group on rectified responses,
    /// (μ⁺_pref − μ⁺_rest) / (μ⁺_pref + μ⁺_rest), with μ⁺_rest the mean of max(x, 0) over every stimulus of
    /// the other groups; NaN where μ⁺_pref + μ⁺_rest = 0 and for untestable units.
    /// </summary>
    public double[] Csi { get; }

    /// <summary>Per unit, the group it is selective for, or −1.</summary>
    public int[] SelectiveFor { get; }

    /// <summary>Units constant over every stimulus (within rounding): untestable, outside the correction's family.</summary>
    public int ConstantUnits { get; }

    /// <summary>Testable units whose p_max was not computed (see <see cref="SelectivityOptions.ExactPValues"/>).</summary>
    public int ScreenedUnits { get; }

    /// <summary>Indices of the units selective for <paramref name="group"/>, ascending.</summary>
    /// <param name="group">The group.</param>
    public int[] SelectiveUnits(int group)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, Groups.Count);
        var list = new List<int>(Groups[group].Selective);
        for (int u = 0; u < SelectiveFor.Length; u++)
            if (SelectiveFor[u] == group) list.Add(u);
        return list.ToArray();
    }

    /// <summary>The defined CSI values of the units selective for <paramref name="group"/>, in unit order.</summary>
    /// <param name="group">The group.</param>
    public double[] SelectiveCsi(int group) =>
        SelectiveUnits(group).Select(u => Csi[u]).Where(double.IsFinite).ToArray();
}
