namespace RepLens.Rsa.Comparisons;

/// <summary>Ranks with ties averaged (fractional ranking), as <c>scipy.stats.rankdata(method="average")</c>.</summary>
public static class Ranking
{
    /// <summary>Ranks 1..n of <paramref name="values"/> (no NaN), tied values getting the mean of their ranks.</summary>
    /// <param name="values">The values; must not contain NaN.</param>
    /// <returns>n ranks, in the order of <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentException">A value is NaN.</exception>
    public static double[] Average(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var keys = values.ToArray();
        foreach (var v in keys)
            if (double.IsNaN(v)) throw new ArgumentException("Cannot rank NaN values; leave NaN pairs out first.", nameof(values));
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order);
        var ranks = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && keys[j] == keys[i]) j++;
            double rank = (i + 1 + j) / 2.0; // mean of ranks i+1 .. j
            for (int k = i; k < j; k++) ranks[order[k]] = rank;
            i = j;
        }
        return ranks;
    }
}
