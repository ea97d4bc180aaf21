namespace RepLens.Host.Distractors;

/// <summary>
/// The names of the conditions in file names and tables (<c>control</c>, <c>salient</c>, <c>semantic</c>,
/// <c>semantic_salient</c>: the spelling of the issue that specified the distractor set) and what each asks of
/// a distractor.
/// </summary>
internal static class DistractorConditions
{
    /// <summary>The four conditions in table order.</summary>
    public static readonly DistractorCondition[] All =
        { DistractorCondition.Control, DistractorCondition.Salient, DistractorCondition.Semantic, DistractorCondition.SemanticSalient };

    public static string Name(DistractorCondition c) => c switch
    {
        DistractorCondition.Control => "control",
        DistractorCondition.Salient => "salient",
        DistractorCondition.Semantic => "semantic",
        DistractorCondition.SemanticSalient => "semantic_salient",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
    };

    public static bool TryParse(string? name, out DistractorCondition condition)
    {
        foreach (var c in All)
        {
            if (string.Equals(Name(c), name?.Trim(), StringComparison.Ordinal))
            {
                condition = c;
                return true;
            }
        }
        condition = default;
        return false;
    }

    /// <summary>Whether the distractor must be semantically dissimilar (else similar).</summary>
    public static bool IsDissimilar(DistractorCondition c) => c is DistractorCondition.Semantic or DistractorCondition.SemanticSalient;

    /// <summary>Whether the edit must change the saliency map a lot (else little).</summary>
    public static bool IsSalient(DistractorCondition c) => c is DistractorCondition.Salient or DistractorCondition.SemanticSalient;

    /// <summary>The image id and file stem of an edited image: <c>&lt;target_id&gt;__&lt;condition&gt;</c>.</summary>
    public static string EditedId(string targetId, DistractorCondition c) => targetId + "__" + Name(c);
}
