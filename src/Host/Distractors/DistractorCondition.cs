namespace RepLens.Host.Distractors;

/// <summary>
/// The four edited versions of a baseline image in the seed study's distractor experiment, by what
/// the pasted image does: semantically similar or dissimilar to the baseline, and changing its
/// saliency map little (non-salient) or a lot (salient).
/// </summary>
internal enum DistractorCondition
{
    /// <summary>Similar, non-salient: <c>control</c>.</summary>
    Control,

    /// <summary>Similar, salient: <c>salient</c>.</summary>
    Salient,

    /// <summary>Dissimilar, non-salient: <c>semantic</c>.</summary>
    Semantic,

    /// <summary>Dissimilar, salient: <c>semantic_salient</c>.</summary>
    SemanticSalient,
}
