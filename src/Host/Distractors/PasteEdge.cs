namespace RepLens.Host.Distractors;

/// <summary>The edge of the baseline image a pasted distractor touches.</summary>
internal enum PasteEdge
{
    Top,
    Bottom,
    Left,
    Right,
}
