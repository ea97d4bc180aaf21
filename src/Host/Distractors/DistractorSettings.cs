namespace RepLens.Host.Distractors;

/// <summary>Settings of a distractor build (the <c>replens distractors</c> options).</summary>
/// <param name="Seed">Seed of every random choice (candidates, edges, positions, calibration edits).</param>
/// <param name="Tries">Edits scored per target and semantic group (similar, dissimilar) before giving up.</param>
/// <param name="SemanticSimilar">A similar distractor's semantic distance is below this.</param>
/// <param name="SemanticDissimilar">A dissimilar distractor's semantic distance is above this.</param>
/// <param name="Salient">A salient edit's saliency change is above this.</param>
/// <param name="NonSalient">A non-salient edit's saliency change is below this.</param>
/// <param name="AreaFraction">Area of the pasted rectangle as a fraction of the baseline image's (0.1).</param>
/// <param name="CalibrationEdits">Random edits scored to observe the saliency-change distribution when a saliency threshold is a quantile.</param>
/// <param name="Threads">Targets built at once.</param>
internal sealed record DistractorSettings(
    ulong Seed,
    int Tries,
    Threshold SemanticSimilar,
    Threshold SemanticDissimilar,
    Threshold Salient,
    Threshold NonSalient,
    double AreaFraction,
    int CalibrationEdits,
    int Threads)
{
    public const double DefaultSimilar = 0.32;
    public const double DefaultDissimilar = 0.92;
    public const double DefaultSalient = 0.24;
    public const double DefaultNonSalient = 0.019;
    public const double DefaultAreaFraction = 0.1;
    public const int DefaultTries = 100;
    public const int DefaultCalibrationEdits = 500;

    /// <summary>Whether the saliency-change distribution must be observed before building (a saliency threshold is a quantile).</summary>
    public bool NeedsCalibration => Salient.IsQuantile || NonSalient.IsQuantile;
}
