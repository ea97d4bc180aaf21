namespace RepLens.Rsa.Inference;

/// <summary>The outcome of a bootstrap over stimuli.</summary>
/// <param name="Estimate">The statistic on the original (unresampled) RDMs.</param>
/// <param name="Lower">Lower bound of the percentile confidence interval.</param>
/// <param name="Upper">Upper bound of the percentile confidence interval.</param>
/// <param name="Confidence">The interval's nominal coverage, e.g. 0.95.</param>
/// <param name="StandardError">Standard deviation of the bootstrap values (n − 1 denominator).</param>
/// <param name="Samples">The statistic on each bootstrap sample, in sample order (NaN where undefined).</param>
/// <param name="UndefinedSamples">How many samples gave NaN (left out of the interval and the standard error).</param>
/// <param name="Seed">The seed that reproduces the bootstrap.</param>
public sealed record BootstrapResult(
    double Estimate,
    double Lower,
    double Upper,
    double Confidence,
    double StandardError,
    double[] Samples,
    int UndefinedSamples,
    ulong Seed);
