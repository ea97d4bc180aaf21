namespace RepLens.Abstractions;

/// <summary>What a layer does, for selecting and describing layers independently of the op names.</summary>
public enum LayerKind
{
    /// <summary>Not one of the kinds below.</summary>
    Other,

    /// <summary>A convolution.</summary>
    Convolution,

    /// <summary>An element-wise non-linearity (ReLU, GELU, …).</summary>
    Activation,

    /// <summary>Max or average pooling.</summary>
    Pooling,

    /// <summary>Batch or layer normalisation.</summary>
    Normalization,

    /// <summary>A fully connected / matrix-multiply layer.</summary>
    Linear,

    /// <summary>A residual sum (the output of a residual block).</summary>
    Residual,

    /// <summary>An attention block output.</summary>
    Attention,

    /// <summary>The network's final output (logits or embedding).</summary>
    Output,
}
