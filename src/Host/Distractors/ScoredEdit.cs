namespace RepLens.Host.Distractors;

/// <summary>
/// One edited image whose saliency change was measured: which distractor, where, and how far it moved the
/// image's semantics (the distractor's distance to the target) and saliency map.
/// </summary>
/// <param name="Group"><c>similar</c> or <c>dissimilar</c> (the draw it belongs to), or <c>calibration</c>.</param>
/// <param name="Try">1-based position in its draw.</param>
/// <param name="DistractorId">The pool image pasted.</param>
/// <param name="Edge">The edge the rectangle touches (<c>top</c>, <c>bottom</c>, <c>left</c>, <c>right</c>).</param>
/// <param name="X">Left of the rectangle, target pixels.</param>
/// <param name="Y">Top of the rectangle, target pixels.</param>
/// <param name="Width">Rectangle width.</param>
/// <param name="Height">Rectangle height.</param>
/// <param name="SemanticDistance">Cosine distance between the caption embeddings of target and distractor.</param>
/// <param name="SaliencyChange">Cosine distance between the saliency vectors of the baseline and the edited image (NaN if a map is all zero).</param>
/// <param name="AcceptedAs">The condition this edit was kept for, or null.</param>
internal sealed record ScoredEdit(
    string Group,
    int Try,
    string DistractorId,
    string Edge,
    int X,
    int Y,
    int Width,
    int Height,
    double SemanticDistance,
    double SaliencyChange,
    string? AcceptedAs);
