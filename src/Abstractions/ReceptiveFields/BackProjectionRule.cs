namespace RepLens.Abstractions.ReceptiveFields;

/// <summary>
/// How one node of a convolutional network passes a signal back from its output to its input(s) when a
/// deep unit is projected back to pixel space (He &amp; Pugeault 2018, "Deep saliency: what is learnt by a
/// deep network about saliency?", arXiv:1801.04261; the rules of Zeiler &amp; Fergus 2014,
/// doi:10.1007/978-3-319-10590-1_53, with repetition instead of switches for pooling).
/// </summary>
public enum BackProjectionRule
{
    /// <summary><c>Conv</c>: transposed convolution with the node's own weights, stride, padding, dilation and groups; the result is cropped or zero-padded to the input's shape.</summary>
    TransposedConvolution,

    /// <summary>
    /// <c>MaxPool</c>, <c>AveragePool</c> (and their global forms): every value is copied into its k×k input
    /// window (overlapping windows add), divided by <see cref="BackProjectionStep.Divisor"/> (k×k for average pooling, 1 for max pooling).
    /// </summary>
    Upsample,

    /// <summary><c>Relu</c>: ReLU applied to the back-projected signal.</summary>
    Relu,

    /// <summary><c>BatchNormalization</c> (not folded): multiplication by its affine scale γ / √(σ² + ε), per channel; its shift is left out.</summary>
    ChannelScale,

    /// <summary><c>Add</c> (a residual connection): the signal goes unchanged to every input that carries image data.</summary>
    Fork,

    /// <summary><c>Concat</c> along channels: the signal is split by channel among the inputs.</summary>
    ChannelSplit,

    /// <summary><c>Flatten</c>, <c>Reshape</c>: the signal is reshaped back to the input's shape.</summary>
    Reshape,

    /// <summary><c>Identity</c>, <c>Dropout</c> (inference): the signal passes unchanged.</summary>
    Pass,
}
