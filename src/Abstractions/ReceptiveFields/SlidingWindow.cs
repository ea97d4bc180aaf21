namespace RepLens.Abstractions.ReceptiveFields;

/// <summary>
/// The window geometry of a convolution or pooling node, with its padding resolved: output position
/// (i, j) reads input rows <c>i·StrideY − PadTop + DilationY·a</c> for a = 0…KernelHeight−1, and columns likewise.
/// Padding at the bottom and right follows from the input and output sizes, so asymmetric padding,
/// <c>auto_pad</c> and <c>ceil_mode</c> need nothing more.
/// </summary>
/// <param name="KernelHeight">Kernel rows.</param>
/// <param name="KernelWidth">Kernel columns.</param>
/// <param name="StrideY">Vertical stride.</param>
/// <param name="StrideX">Horizontal stride.</param>
/// <param name="DilationY">Vertical dilation (1 = dense kernel).</param>
/// <param name="DilationX">Horizontal dilation.</param>
/// <param name="PadTop">Zero rows added above the input.</param>
/// <param name="PadLeft">Zero columns added left of the input.</param>
public sealed record SlidingWindow(int KernelHeight, int KernelWidth, int StrideY, int StrideX, int DilationY, int DilationX, int PadTop, int PadLeft)
{
    /// <summary>Rows covered by one window, dilation included.</summary>
    public int SpanY => DilationY * (KernelHeight - 1) + 1;

    /// <summary>Columns covered by one window, dilation included.</summary>
    public int SpanX => DilationX * (KernelWidth - 1) + 1;

    /// <inheritdoc />
    public override string ToString() =>
        $"kernel {KernelHeight}×{KernelWidth}, stride {StrideY}×{StrideX}, dilation {DilationY}×{DilationX}, padding top {PadTop} left {PadLeft}";
}
