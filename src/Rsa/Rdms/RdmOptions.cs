namespace RepLens.Rsa.Rdms;

/// <summary>
/// How <see cref="RdmCalculator"/> and <see cref="GramAccumulator"/> compute: precision, device and the
/// memory budget that fixes the feature-block size.
/// </summary>
public sealed record RdmOptions
{
    /// <summary>Default memory budget: 2 GiB.</summary>
    public const long DefaultMemoryBudgetBytes = 2L << 30;

    /// <summary>
    /// Type of the block products. <see cref="RsaPrecision.Float32"/> (default) multiplies float32
    /// blocks; with <see cref="AccumulateInFloat64"/> the per-block Gram matrices are summed in float64,
    /// so the error does not grow with the number of blocks. Measured against the float64 path
    /// (N = 60, P up to 10⁶, non-negative activations): cosine and correlation distances within
    /// 4e-6 absolute, Euclidean within 2e-6 relative. <see cref="RsaPrecision.Float64"/> agrees with
    /// SciPy's <c>pdist</c> to 1e-10 or better.
    /// </summary>
    public RsaPrecision Precision { get; init; } = RsaPrecision.Float32;

    /// <summary>Sum the per-block Gram matrices, row sums and shifts in float64 (default true; always so for <see cref="RsaPrecision.Float64"/>).</summary>
    public bool AccumulateInFloat64 { get; init; } = true;

    /// <summary>Where to compute (default <see cref="RsaDevice.Auto"/>).</summary>
    public RsaDevice Device { get; init; } = RsaDevice.Auto;

    /// <summary>
    /// Bytes the computation may use beyond the (N × N) result: the feature-block buffers and the
    /// (N × N) working matrices are sized to fit it (default 2 GiB). See
    /// <see cref="RdmCalculator.PlanBlockColumns"/>.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;

    /// <summary>Fixed number of feature columns per block, overriding the plan from the budget (for tests and tuning).</summary>
    public int? BlockColumns { get; init; }

    /// <summary>
    /// Read the next feature block on a second thread while the current one is multiplied (default
    /// true). Costs a second block buffer, counted in the budget; worth it when the source is on disk.
    /// </summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>
    /// Rows per tile of the Gram product: only tiles on or above the diagonal are multiplied, saving
    /// up to half the arithmetic for large N. 0 (default) picks a size (about 512 rows).
    /// </summary>
    public int RowTile { get; init; }
}
