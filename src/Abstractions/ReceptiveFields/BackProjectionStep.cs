namespace RepLens.Abstractions.ReceptiveFields;

/// <summary>
/// One node of the path from a network's input to a layer, as back-projection walks it: the signal that
/// arrived at <see cref="Output"/> goes to <see cref="Inputs"/> by <see cref="Rule"/>. Shapes are per image
/// (batch excluded), e.g. <c>[64, 56, 56]</c>.
/// </summary>
/// <param name="Node">The node's name in the network (for messages); may be empty.</param>
/// <param name="OpType">The node's operator, e.g. <c>Conv</c>.</param>
/// <param name="Rule">How the signal goes back.</param>
/// <param name="Output">The value the node writes.</param>
/// <param name="OutputShape">Its per-image shape.</param>
/// <param name="Inputs">The inputs that carry image data (weights and shape arguments are not among them).</param>
/// <param name="InputShapes">Their per-image shapes.</param>
public sealed record BackProjectionStep(
    string Node,
    string OpType,
    BackProjectionRule Rule,
    string Output,
    IReadOnlyList<int> OutputShape,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<IReadOnlyList<int>> InputShapes)
{
    /// <summary>Window geometry of <see cref="BackProjectionRule.TransposedConvolution"/> and <see cref="BackProjectionRule.Upsample"/> steps.</summary>
    public SlidingWindow? Window { get; init; }

    /// <summary>Convolution weights in ONNX layout (C_out × C_in/groups × kH × kW), row-major; <c>null</c> for other rules.</summary>
    public float[]? Weights { get; init; }

    /// <summary>Shape of <see cref="Weights"/>: [C_out, C_in/groups, kH, kW].</summary>
    public IReadOnlyList<int>? WeightShape { get; init; }

    /// <summary>Convolution groups (1 = dense, C = depthwise).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>
    /// The convolution's bias (C_out values), or <c>null</c> when it has none. Left out of back-projection
    /// unless biases are asked for; then added per output channel to the signal at the node's output before
    /// the transposed convolution, as the forward pass added it.
    /// </summary>
    public float[]? Bias { get; init; }

    /// <summary>Per-channel scale of a <see cref="BackProjectionRule.ChannelScale"/> step (γ / √(σ² + ε) of a batch normalisation).</summary>
    public float[]? Scale { get; init; }

    /// <summary>Divisor of an <see cref="BackProjectionRule.Upsample"/> step: kH × kW for average pooling, 1 for max pooling.</summary>
    public float Divisor { get; init; } = 1f;

    /// <summary>What the step is, for messages and logs: <c>Conv '/features/features.0/Conv' [3, 32, 32] ← [8, 32, 32]</c>.</summary>
    public override string ToString() =>
        $"{OpType} '{Node}' [{string.Join(", ", InputShapes.Select(s => string.Join("×", s)))}] ← [{string.Join("×", OutputShape)}]";
}
