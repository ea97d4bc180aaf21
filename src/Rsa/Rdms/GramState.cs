namespace RepLens.Rsa.Rdms;

/// <summary>
/// The exported state of a <see cref="GramAccumulator"/>, as plain arrays (to save a shard's partial
/// result and merge it elsewhere). With y = x − c (each row x shifted by its constant
/// <see cref="Shift"/> c), it holds G = Σ y yᵀ over the features seen, the row sums s = Σ y and the
/// number of features P. From these every metric of
/// <see cref="RepLens.Abstractions.DistanceMetric"/> follows exactly (see <see cref="GramAccumulator"/>).
/// </summary>
/// <param name="Rows">N, the number of stimuli.</param>
/// <param name="Columns">P, the number of features accumulated.</param>
/// <param name="Gram">(N × N) symmetric, row-major: G = Σ (x − c)(x − c)ᵀ.</param>
/// <param name="RowSums">N values: s = Σ (x − c).</param>
/// <param name="Shift">N values: the per-row shift c (0 until the first block).</param>
public sealed record GramState(
    int Rows,
    long Columns,
    double[] Gram,
    double[] RowSums,
    double[] Shift)
{
    /// <summary>Checks that the array lengths match <see cref="Rows"/>.</summary>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    public void Validate()
    {
        if (Rows < 1) throw new ArgumentException($"A Gram state needs at least one row; got {Rows}.");
        if (Columns < 0) throw new ArgumentException($"A Gram state cannot have {Columns} columns.");
        Check(Gram, (long)Rows * Rows, nameof(Gram));
        Check(RowSums, Rows, nameof(RowSums));
        Check(Shift, Rows, nameof(Shift));

        static void Check(double[] a, long n, string name)
        {
            ArgumentNullException.ThrowIfNull(a, name);
            if (a.LongLength != n) throw new ArgumentException($"Gram state: {name} has {a.LongLength} values; {n} expected.", name);
        }
    }
}
