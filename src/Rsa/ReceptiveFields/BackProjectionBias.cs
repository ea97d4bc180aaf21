namespace RepLens.Rsa.ReceptiveFields;

/// <summary>Whether back-projection adds the convolutions' biases back (config and command-line names: <c>none</c>, <c>include</c>).</summary>
public enum BackProjectionBias
{
    /// <summary>
    /// Biases left out (the default): every rule is then positively homogeneous, so a pattern scales
    /// exactly with the clamped value c.
    /// </summary>
    None,

    /// <summary>
    /// Each convolution's bias is added per output channel to the signal at its output before the transposed
    /// convolution, as the forward pass added it; the pattern no longer scales with c.
    /// </summary>
    Include,
}
