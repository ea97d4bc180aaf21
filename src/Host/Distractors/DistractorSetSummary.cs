namespace RepLens.Host.Distractors;

/// <summary>What a distractor build produced: counts, the resolved thresholds, and the drops by condition and reason.</summary>
internal sealed record DistractorSetSummary(
    int Targets,
    int Kept,
    int EditsScored,
    ResolvedThresholds Thresholds,
    IReadOnlyList<(string Condition, string Reason, int Targets)> Drops)
{
    public int DroppedTargets => Targets - Kept;

    /// <summary>One line per condition and reason: "salient: 3 tries-spent".</summary>
    public string DropLines() => string.Join(Environment.NewLine,
        Drops.Select(d => $"  {d.Condition}: {d.Targets} target{(d.Targets == 1 ? "" : "s")} {Describe(d.Reason)}"));

    public static string Describe(string reason) => reason switch
    {
        DroppedCondition.NoCandidate => "without a candidate in the semantic range (no-candidate)",
        DroppedCondition.TriesSpent => "without an edit in the saliency range after all tries (tries-spent)",
        DroppedCondition.ZeroSaliency => "whose baseline saliency map is all zero (zero-saliency)",
        _ => reason,
    };
}
