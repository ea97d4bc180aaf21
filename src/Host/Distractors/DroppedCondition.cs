namespace RepLens.Host.Distractors;

/// <summary>A condition a target did not get, and why.</summary>
/// <param name="Condition">The condition name.</param>
/// <param name="Reason"><c>no-candidate</c> (no pool image in the semantic range that fits), <c>tries-spent</c> (no scored edit in the saliency range), <c>zero-saliency</c> (the baseline's map is all zero).</param>
/// <param name="Detail">A sentence with the numbers behind the reason.</param>
/// <param name="Tries">Edits scored for the condition's semantic group.</param>
internal sealed record DroppedCondition(string Condition, string Reason, string Detail, int Tries)
{
    public const string NoCandidate = "no-candidate";
    public const string TriesSpent = "tries-spent";
    public const string ZeroSaliency = "zero-saliency";
}
