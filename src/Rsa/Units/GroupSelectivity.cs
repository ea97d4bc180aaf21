namespace RepLens.Rsa.Units;

/// <summary>What the localizer found for one category (group) of one layer.</summary>
/// <param name="Group">The group index.</param>
/// <param name="Images">n, the number of stimuli in the group.</param>
/// <param name="Units">U, all units of the layer.</param>
/// <param name="Tested">m, the units tested: U minus the units constant over every stimulus (the size of the correction's family).</param>
/// <param name="Selective">Units selective for this group.</param>
/// <param name="PThreshold">The largest p_max among the selective units (every unit preferring this group with p_max ≤ it is selective); NaN when none is.</param>
/// <param name="MeanCsi">Mean Category Selectivity Index over the selective units whose CSI is defined; NaN when there are none.</param>
/// <param name="CsiUndefined">Selective units whose CSI is undefined (μ⁺_pref + μ⁺_rest = 0) and therefore left out of <paramref name="MeanCsi"/>.</param>
/// <param name="ZeroVarianceUnits">Units whose responses to this group's stimuli are all equal (zero variance within the group).</param>
public sealed record GroupSelectivity(
    int Group,
    int Images,
    int Units,
    int Tested,
    int Selective,
    double PThreshold,
    double MeanCsi,
    int CsiUndefined,
    int ZeroVarianceUnits)
{
    /// <summary>Selective / U: the proportion of the layer's units selective for this group (0 for an empty layer).</summary>
    public double Proportion => Units == 0 ? 0 : Selective / (double)Units;
}
