namespace RepLens.Abstractions;

/// <summary>
/// A representational dissimilarity matrix over N stimuli, stored condensed: the upper triangle
/// (i &lt; j) in row-major order, as SciPy's <c>pdist</c> returns it, N(N−1)/2 values, with the
/// stimulus ids that label rows and columns. Entries may be NaN (undefined dissimilarities, e.g. a
/// zero-norm row under the cosine metric); comparisons leave those pairs out.
/// </summary>
public sealed class Rdm
{
    private readonly double[] _condensed;

    /// <summary>Creates an RDM from condensed values.</summary>
    /// <param name="ids">Stimulus ids, in row order; unique.</param>
    /// <param name="condensed">N(N−1)/2 dissimilarities in <c>pdist</c> order. Not copied.</param>
    /// <param name="metric">How the values were computed (e.g. <c>cosine</c>), for reports.</param>
    /// <exception cref="ArgumentException">The length does not match the number of ids.</exception>
    public Rdm(IReadOnlyList<string> ids, double[] condensed, string metric)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(condensed);
        long n = ids.Count;
        if (condensed.LongLength != n * (n - 1) / 2)
            throw new ArgumentException($"An RDM over {n} stimuli has {n * (n - 1) / 2} condensed values; got {condensed.LongLength}.");
        Ids = ids;
        _condensed = condensed;
        Metric = metric;
    }

    /// <summary>Stimulus ids in row order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Number of stimuli N.</summary>
    public int Count => Ids.Count;

    /// <summary>The condensed upper triangle, N(N−1)/2 values.</summary>
    public ReadOnlySpan<double> Condensed => _condensed;

    /// <summary>The condensed values as an array (not a copy).</summary>
    public double[] CondensedArray => _condensed;

    /// <summary>How the values were computed.</summary>
    public string Metric { get; }

    /// <summary>Dissimilarity of stimuli <paramref name="i"/> and <paramref name="j"/> (0 on the diagonal).</summary>
    /// <param name="i">Row.</param>
    /// <param name="j">Column.</param>
    public double this[int i, int j] => i == j ? 0.0 : _condensed[CondensedIndex(Count, i, j)];

    /// <summary>Index in the condensed vector of pair (i, j), i ≠ j.</summary>
    /// <param name="n">Number of stimuli.</param>
    /// <param name="i">Row.</param>
    /// <param name="j">Column.</param>
    public static long CondensedIndex(int n, int i, int j)
    {
        if (i == j) throw new ArgumentException("The diagonal is not stored in a condensed RDM.");
        if (i > j) (i, j) = (j, i);
        return (long)n * i - (long)i * (i + 1) / 2 + (j - i - 1);
    }

    /// <summary>The full (N × N) matrix, row-major, zero diagonal.</summary>
    public double[] ToSquare()
    {
        int n = Count;
        var sq = new double[(long)n * n];
        long k = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                var v = _condensed[k++];
                sq[(long)i * n + j] = v;
                sq[(long)j * n + i] = v;
            }
        return sq;
    }

    /// <summary>
    /// The same RDM with rows and columns in the order of <paramref name="ids"/>, which must be a
    /// subset of <see cref="Ids"/>.
    /// </summary>
    /// <param name="ids">The wanted stimulus order.</param>
    /// <exception cref="ArgumentException">An id is not in this RDM.</exception>
    public Rdm Select(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var index = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++) index[Ids[i]] = i;
        var rows = new int[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            if (!index.TryGetValue(ids[i], out rows[i]))
                throw new ArgumentException($"Stimulus '{ids[i]}' is not in this RDM ({Metric}, {Count} stimuli).");
        }
        int m = ids.Count;
        var values = new double[(long)m * (m - 1) / 2];
        long k = 0;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                values[k++] = this[rows[i], rows[j]];
        return new Rdm(ids.ToArray(), values, Metric);
    }
}
