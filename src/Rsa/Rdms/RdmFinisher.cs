using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;

namespace RepLens.Rsa.Rdms;

/// <summary>Turns accumulated Gram statistics into a condensed RDM (float64, on the CPU).</summary>
internal static class RdmFinisher
{
    private const int IdsShown = 20;
    private const string NonFinite = "NaN or infinite values (or values whose squares overflow)";

    /// <summary>Finishes from exported arrays.</summary>
    public static RdmResult Finish(GramState state, IReadOnlyList<string> ids, DistanceMetric metric, ILogger? logger, int blockColumns, string device)
    {
        int n = state.Rows;
        var diag = new double[n];
        for (int i = 0; i < n; i++) diag[i] = state.Gram[(long)i * n + i];
        return Finish(n, state.Columns, diag, state.RowSums, state.Shift,
            (i, row) => state.Gram.AsSpan((int)((long)i * n), n).CopyTo(row), ids, metric, logger, blockColumns, device);
    }

    /// <summary>
    /// Finishes from the Gram diagonal, row sums and shifts, reading the Gram matrix one row at a time
    /// (only entries j ≥ i of row i are used), so no second (N × N) copy is made.
    /// </summary>
    public static RdmResult Finish(int n, long p, double[] diagonal, double[] s, double[] c, Action<int, Span<double>> readRow,
        IReadOnlyList<string> ids, DistanceMetric metric, ILogger? logger, int blockColumns, string device)
    {
        ArgumentNullException.ThrowIfNull(ids);
        RdmCalculator.CheckIds(ids, n);
        if (p == 0) throw new InvalidOperationException($"No features were accumulated for the {n} stimuli; an RDM needs at least one feature.");
        var row = new double[n];

        // Per-row squared norms in the metric's geometry, and which rows are undefined.
        var norm = new double[n];
        var reasons = new string?[n];
        for (int i = 0; i < n; i++)
        {
            double gii = diagonal[i];
            if (!double.IsFinite(gii) || !double.IsFinite(s[i]) || !double.IsFinite(c[i]))
            {
                reasons[i] = NonFinite;
                continue;
            }
            switch (metric)
            {
                case DistanceMetric.Cosine:
                    norm[i] = gii + 2 * c[i] * s[i] + p * c[i] * c[i];
                    if (!(norm[i] > 0)) reasons[i] = "zero norm";
                    break;
                case DistanceMetric.Correlation:
                    norm[i] = gii - s[i] * s[i] / p;
                    if (gii == 0 || !(norm[i] > 0)) reasons[i] = "zero variance";
                    break;
            }
        }

        var d = new double[(long)n * (n - 1) / 2];
        long k = 0;
        for (int i = 0; i < n; i++)
        {
            bool badI = reasons[i] is not null;
            double ci = c[i], si = s[i], gii = diagonal[i];
            if (!badI) readRow(i, row);
            double inv = badI ? 0 : 1.0 / Math.Sqrt(norm[i]);
            for (int j = i + 1; j < n; j++, k++)
            {
                if (badI || reasons[j] is not null) { d[k] = double.NaN; continue; }
                double gij = row[j];
                switch (metric)
                {
                    case DistanceMetric.Correlation:
                    {
                        double cov = gij - si * s[j] / p;
                        d[k] = Math.Clamp(1 - cov * inv / Math.Sqrt(norm[j]), 0, 2);
                        break;
                    }
                    case DistanceMetric.Cosine:
                    {
                        double dot = gij + c[j] * si + ci * s[j] + p * ci * c[j];
                        d[k] = Math.Clamp(1 - dot * inv / Math.Sqrt(norm[j]), 0, 2);
                        break;
                    }
                    default:
                    {
                        double dc = ci - c[j];
                        double sq = gii + diagonal[j] - 2 * gij + 2 * dc * (si - s[j]) + p * dc * dc;
                        sq = Math.Max(sq, 0);
                        d[k] = metric == DistanceMetric.Euclidean ? Math.Sqrt(sq) : sq;
                        break;
                    }
                }
            }
        }

        var undefined = new List<int>();
        for (int i = 0; i < n; i++) if (reasons[i] is not null) undefined.Add(i);
        var warnings = new List<string>();
        foreach (var group in undefined.GroupBy(i => reasons[i]!))
        {
            var list = group.ToList();
            var shown = string.Join(", ", list.Take(IdsShown).Select(i => ids[i]));
            if (list.Count > IdsShown) shown += $", … ({list.Count - IdsShown} more)";
            var message = string.Create(CultureInfo.InvariantCulture,
                $"RDM ({EnumNames.Name(metric)}, {p} features): {list.Count} of {n} stimuli have {group.Key}, so all their dissimilarities are undefined and set to NaN (comparisons leave those pairs out): {shown}");
            warnings.Add(message);
            logger?.LogWarning("{Message}", message);
        }
        var rdm = new Rdm(ids.ToArray(), d, EnumNames.Name(metric));
        return new RdmResult(rdm, undefined, warnings, p, blockColumns, device);
    }
}
