namespace RepLens.Host.Distractors;

/// <summary>The four thresholds as values (quantiles resolved on the observed distributions).</summary>
internal sealed record ResolvedThresholds(double SimilarBelow, double DissimilarAbove, double NonSalientBelow, double SalientAbove)
{
    /// <summary>Whether a semantic distance qualifies for the condition's semantic side.</summary>
    public bool SemanticInRange(DistractorCondition c, double distance) =>
        DistractorConditions.IsDissimilar(c) ? distance > DissimilarAbove : distance < SimilarBelow;

    /// <summary>Whether a saliency change qualifies for the condition's saliency side (NaN never does).</summary>
    public bool SaliencyInRange(DistractorCondition c, double change) =>
        DistractorConditions.IsSalient(c) ? change > SalientAbove : change < NonSalientBelow;

    public string SemanticRule(bool dissimilar) => dissimilar ? $"semantic distance > {F(DissimilarAbove)}" : $"semantic distance < {F(SimilarBelow)}";

    public string SaliencyRule(bool salient) => salient ? $"saliency change > {F(SalientAbove)}" : $"saliency change < {F(NonSalientBelow)}";

    private static string F(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
