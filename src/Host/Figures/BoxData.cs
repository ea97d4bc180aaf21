namespace RepLens.Host.Figures;

/// <summary>One box of a box figure: whiskers, quartiles and median of a distribution, and how many values it summarises.</summary>
internal sealed record BoxData(double LowerWhisker, double BoxBottom, double Median, double BoxTop, double UpperWhisker, int Count)
{
    /// <summary>
    /// The box of <paramref name="values"/>: quartiles, median and whiskers at the 5th and 95th
    /// percentiles (linear interpolation, NumPy's default); null when there are no finite values.
    /// </summary>
    public static BoxData? Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return null;
        return new BoxData(Quantile(sorted, 0.05), Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), Quantile(sorted, 0.95), sorted.Length);
    }

    /// <summary>Quantile <paramref name="q"/> of ascending values, linear interpolation between order statistics (NumPy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        double h = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
