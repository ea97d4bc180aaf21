using System.Globalization;
using RepLens.Abstractions;

namespace RepLens.Host.Distractors;

/// <summary>
/// A threshold on a cosine distance, given either as an absolute value (<c>0.32</c>, the seed paper's
/// defaults) or as a quantile of the observed distribution (<c>q0.1</c>: the value below which 10% of the
/// observed distances lie). The paper's absolute values belong to its embedding model and saliency
/// implementation; with another, quantiles keep the conditions' meaning.
/// </summary>
/// <param name="Value">The absolute distance, or the quantile level in (0, 1).</param>
/// <param name="IsQuantile">Whether <paramref name="Value"/> is a quantile level.</param>
/// <param name="Option">The option it came from (for messages).</param>
internal sealed record Threshold(double Value, bool IsQuantile, string Option)
{
    /// <summary>Parses <c>0.32</c> (an absolute cosine distance in [0, 2]) or <c>q0.1</c> (a quantile level in (0, 1)).</summary>
    public static Threshold Parse(string text, string option)
    {
        var t = text.Trim();
        bool quantile = t.StartsWith('q') || t.StartsWith('Q');
        var number = quantile ? t[1..] : t;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new ConfigurationErrorException(option,
                $"'{text}' is not a threshold; expected a cosine distance such as 0.32, or a quantile of the observed distances such as q0.1.");
        if (quantile && !(v > 0 && v < 1))
            throw new ConfigurationErrorException(option, $"'{text}': a quantile level must lie strictly between 0 and 1 (q0.1 is the 10th percentile).");
        if (!quantile && !(v >= 0 && v <= 2))
            throw new ConfigurationErrorException(option, $"'{text}': a cosine distance lies between 0 and 2.");
        return new Threshold(v, quantile, option);
    }

    /// <summary>The threshold's value: itself, or the quantile of <paramref name="sorted"/> (ascending, finite).</summary>
    public double Resolve(IReadOnlyList<double> sorted)
    {
        if (!IsQuantile) return Value;
        if (sorted.Count == 0) throw new InvalidOperationException($"{Option}: no observed distances to take the quantile {this} of.");
        return Quantile(sorted, Value);
    }

    /// <summary>Linear interpolation between order statistics (NumPy's default <c>quantile</c>).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double h = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>As given on the command line: <c>0.32</c> or <c>q0.1</c>.</summary>
    public override string ToString() =>
        (IsQuantile ? "q" : "") + Value.ToString("R", CultureInfo.InvariantCulture);
}
