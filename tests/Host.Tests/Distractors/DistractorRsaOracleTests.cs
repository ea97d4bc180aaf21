using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Analyses;
using RepLens.Rsa;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Rdms;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Distractors;

/// <summary>
/// ΔRSA of distractor-rsa on fixture activations against SciPy (tools/fixtures/make_distractor_rsa_fixtures.py):
/// cosine layer RDMs over the baseline and the edited images, correlation target RDMs, Spearman.
/// </summary>
public sealed class DistractorRsaOracleTests
{
    private static readonly RdmOptions F64 = new() { Precision = RsaPrecision.Float64 };

    private static string Fixture(string name) => Repo.Fixture("distractor_rsa", name + ".npy");

    private static Rdm RdmOf(string name, IReadOnlyList<string> ids, DistanceMetric metric)
    {
        using var m = NpyMatrix.Open(Fixture(name));
        return RdmCalculator.Compute(m, ids, metric, F64).Rdm;
    }

    private static readonly string[] Baseline = Enumerable.Range(0, 12).Select(i => $"t{i:D2}").ToArray();

    private static readonly string[] Edited = Baseline.Select(t => t + "__salient").ToArray();

    [Theory]
    [InlineData(0, "saliency")]
    [InlineData(1, "semantics")]
    public void Compute_RsaOfBothTermsAndDelta_EqualSciPy(int row, string target)
    {
        var expected = Npy.ReadFloat64(Fixture("expected")).Data;
        var baseline = RdmOf("baseline", Baseline, DistanceMetric.Cosine);
        var condition = RdmOf("condition", Edited, DistanceMetric.Cosine);
        var targetRdm = RdmOf(target, Baseline, DistanceMetric.Correlation);

        var r = DistractorRsaAnalysis.Compute(condition, baseline, targetRdm, ComparisonMethod.Spearman, 200, 42, 0.95);

        Assert.Equal(expected[row * 3], r.Baseline, 1e-10);
        Assert.Equal(expected[row * 3 + 1], r.Condition, 1e-10);
        Assert.Equal(expected[row * 3 + 2], r.Delta, 1e-10);
        Assert.True(r.Low <= r.High, $"CI [{r.Low}, {r.High}]");
        Assert.InRange(r.P, 0, 1);
        // Same seed, same interval; the interval is of the difference, not of either term.
        var again = DistractorRsaAnalysis.Compute(condition, baseline, targetRdm, ComparisonMethod.Spearman, 200, 42, 0.95);
        Assert.Equal((r.Low, r.High, r.P), (again.Low, again.High, again.P));
    }

    [Fact]
    public void Compute_ConditionEqualToBaseline_ZeroDeltaWithADegenerateIntervalAndPOne()
    {
        var baseline = RdmOf("baseline", Baseline, DistanceMetric.Cosine);
        var same = RdmOf("baseline", Edited, DistanceMetric.Cosine);
        var target = RdmOf("saliency", Baseline, DistanceMetric.Correlation);

        var r = DistractorRsaAnalysis.Compute(same, baseline, target, ComparisonMethod.Spearman, 100, 7, 0.95);

        // The same stimuli are resampled in both terms, so every bootstrap difference is exactly 0.
        Assert.Equal(0.0, r.Delta);
        Assert.Equal((0.0, 0.0), (r.Low, r.High));
        Assert.Equal(1.0, r.P);
    }

    [Fact]
    public void BootstrapP_TwiceTheSmallerTailWithTheAddOneRule_IgnoringUndefinedSamples()
    {
        // 1 sample ≤ 0, 3 ≥ 0, B = 4: p = 2 · (1 + 1) / 5.
        Assert.Equal(0.8, DistractorRsaAnalysis.BootstrapP(new[] { -1.0, 1, 2, 3, double.NaN }), 1e-15);
        // All 99 above zero: p = 2 · 1 / 100.
        Assert.Equal(0.02, DistractorRsaAnalysis.BootstrapP(Enumerable.Repeat(0.5, 99).ToArray()), 1e-15);
        Assert.True(double.IsNaN(DistractorRsaAnalysis.BootstrapP(new[] { double.NaN })));
    }
}
