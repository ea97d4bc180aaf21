using System.Globalization;

namespace RepLens.Rsa.Rdms;

/// <summary>
/// Conversions between square (N × N) dissimilarity matrices and condensed upper triangles
/// (N(N−1)/2 values in <c>pdist</c> order), as <c>scipy.spatial.distance.squareform</c>: for RDMs
/// that arrive as square <c>.npy</c> files.
/// </summary>
public static class SquareForm
{
    /// <summary>
    /// The condensed upper triangle of a square RDM, after checking that it is symmetric and has a
    /// zero diagonal (within <paramref name="tolerance"/>, relative to the largest magnitude; NaN
    /// entries must be NaN on both sides).
    /// </summary>
    /// <param name="square">(N × N) values, row-major.</param>
    /// <param name="n">N.</param>
    /// <param name="tolerance">Allowed asymmetry and diagonal, relative to the largest |value|; default 1e-10.</param>
    /// <exception cref="ArgumentException">Wrong size, not symmetric, or a non-zero diagonal; the message names the entry.</exception>
    public static double[] ToCondensed(ReadOnlySpan<double> square, int n, double tolerance = 1e-10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (square.Length != (long)n * n)
            throw new ArgumentException($"A square RDM over {n} stimuli has {(long)n * n} values; got {square.Length}.", nameof(square));
        double scale = 0;
        foreach (var v in square) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        double tol = tolerance * Math.Max(scale, double.Epsilon);
        var condensed = new double[(long)n * (n - 1) / 2];
        long k = 0;
        for (int i = 0; i < n; i++)
        {
            double d = square[i * n + i];
            if (!(Math.Abs(d) <= tol))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Not an RDM: diagonal entry ({i}, {i}) is {d}, not 0."), nameof(square));
            for (int j = i + 1; j < n; j++)
            {
                double a = square[i * n + j], b = square[j * n + i];
                bool same = (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= tol;
                if (!same)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Not a symmetric RDM: entry ({i}, {j}) is {a} but ({j}, {i}) is {b}."), nameof(square));
                condensed[k++] = a;
            }
        }
        return condensed;
    }

    /// <summary>The (N × N) square form, zero diagonal, of a condensed RDM.</summary>
    /// <param name="condensed">N(N−1)/2 values in <c>pdist</c> order.</param>
    /// <returns>(N × N) values, row-major.</returns>
    /// <exception cref="ArgumentException">The length is not N(N−1)/2 for any N.</exception>
    public static double[] ToSquare(ReadOnlySpan<double> condensed)
    {
        int n = CountOf(condensed.Length);
        var sq = new double[(long)n * n];
        long k = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                sq[(long)i * n + j] = condensed[(int)k];
                sq[(long)j * n + i] = condensed[(int)k++];
            }
        return sq;
    }

    /// <summary>N such that N(N−1)/2 = <paramref name="condensedLength"/>.</summary>
    /// <param name="condensedLength">Length of a condensed RDM.</param>
    /// <exception cref="ArgumentException">No such N.</exception>
    public static int CountOf(long condensedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(condensedLength);
        long n = (long)Math.Round((1 + Math.Sqrt(1 + 8.0 * condensedLength)) / 2);
        if (n * (n - 1) / 2 != condensedLength)
            throw new ArgumentException($"{condensedLength} values are not the condensed upper triangle of any square matrix (N(N−1)/2 for some N).", nameof(condensedLength));
        return (int)n;
    }
}
