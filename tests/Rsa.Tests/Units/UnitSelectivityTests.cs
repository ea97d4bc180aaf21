using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Rsa.Inference;
using RepLens.Rsa.Units;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Rsa.Tests.Units;

/// <summary>
/// The localizer against tests/fixtures/selectivity (tools/fixtures/make_selectivity_fixtures.py:
/// scipy.stats.ttest_ind for every category pair, BY/BH/Bonferroni in NumPy over the full family).
/// </summary>
public sealed class UnitSelectivityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int K = 6;
    private const int U = 400;

    private static string Fixture(string name) => Repo.Fixture("selectivity", name + ".npy");

    private static int[] Labels => Npy.ReadInt64(Fixture("sel_labels")).Data.Select(v => (int)v).ToArray();

    private static NpyArray<double> Expected(string name) => Npy.ReadFloat64(Fixture(name));

    private static double[] Row(NpyArray<double> a, int row) => a.Data.AsSpan(row * a.Dimension(1), a.Dimension(1)).ToArray();

    private static UnitSelectivityResult Run(TTestVariance variance, MultipleComparisonCorrection correction, bool exact = true, long budget = 256L << 20)
    {
        using var x = NpyMatrix.Open(Fixture("sel_x"));
        return UnitSelectivity.Compute(x, Labels, K, new SelectivityOptions { Variance = variance, Correction = correction, ExactPValues = exact }, budget);
    }

    [Theory]
    [InlineData(TTestVariance.Welch, "welch", MultipleComparisonCorrection.BenjaminiYekutieli, 4)]
    [InlineData(TTestVariance.Welch, "welch", MultipleComparisonCorrection.BenjaminiHochberg, 5)]
    [InlineData(TTestVariance.Welch, "welch", MultipleComparisonCorrection.Bonferroni, 6)]
    [InlineData(TTestVariance.Student, "student", MultipleComparisonCorrection.BenjaminiYekutieli, 4)]
    [InlineData(TTestVariance.Student, "student", MultipleComparisonCorrection.BenjaminiHochberg, 5)]
    [InlineData(TTestVariance.Student, "student", MultipleComparisonCorrection.Bonferroni, 6)]
    public void Compute_Fixture_MatchesScipyTTestsAndNumpyCorrection(TTestVariance variance, string name, MultipleComparisonCorrection correction, int row)
    {
        var expected = Expected($"sel_{name}");

        var r = Run(variance, correction);

        Assert.Equal(Row(expected, 0).Select(v => (int)v), r.Preferred);
        Close(Row(expected, 1), r.TMin, 1e-10, 1e-10);
        RsaFixtures.Close(Row(expected, 2), r.PMax, 1e-13, 1e-9);
        RsaFixtures.Close(Row(expected, 3), r.Csi, 1e-12, 1e-12);
        var selective = Row(expected, row).Select(v => (int)v).ToArray();
        Assert.Equal(selective, r.SelectiveFor);
        for (int g = 0; g < K; g++)
        {
            Assert.Equal(selective.Count(s => s == g), r.Groups[g].Selective);
            Assert.Equal(r.Groups[g].Selective / (double)U, r.Groups[g].Proportion);
            Assert.Equal(U - 1, r.Groups[g].Tested); // unit 90 is constant
        }
        Assert.True(r.Groups.Sum(g => g.Selective) >= 30, "the fixture should select a good number of units");
    }

    [Fact]
    public void Compute_DegenerateUnits_FollowTheDocumentedRules()
    {
        var r = Run(TTestVariance.Welch, MultipleComparisonCorrection.BenjaminiYekutieli);

        Assert.Equal(1, r.ConstantUnits);
        Assert.Equal(-1, r.Preferred[90]);
        Assert.True(double.IsNaN(r.PMax[90]));
        Assert.Equal(-1, r.SelectiveFor[90]);
        Assert.Equal(double.PositiveInfinity, r.TMin[91]);          // constant within categories, scenes highest
        Assert.Equal(0.0, r.PMax[91]);
        Assert.Equal(2, r.SelectiveFor[91]);
        Assert.True(double.IsNaN(r.TMin[92]));                       // tie between two constant categories
        Assert.Equal(1.0, r.PMax[92]);
        Assert.Equal(-1, r.SelectiveFor[92]);
        Assert.Equal(4, r.SelectiveFor[93]);                         // selective, but never positive: CSI undefined
        Assert.True(double.IsNaN(r.Csi[93]));
        Assert.True(r.Groups[4].CsiUndefined >= 1);
        var defined = r.SelectiveCsi(4);
        Assert.Equal(r.Groups[4].Selective - r.Groups[4].CsiUndefined, defined.Length);
        Assert.Equal(defined.Average(), r.Groups[4].MeanCsi, 12);
        Assert.True(r.Groups[1].ZeroVarianceUnits >= 10);            // units 80–89 are exactly 0 for bodies
    }

    [Fact]
    public void Statistics_Fixture_MatchNumpyMeansSumsOfSquaresAndRectifiedMeans()
    {
        using var x = NpyMatrix.Open(Fixture("sel_x"));
        var stats = UnitGroupStatistics.Compute(x, Labels, K, rectifiedMeans: true);
        var doubles = UnitGroupStatistics.Compute(DoubleMatrix.From(Npy.ReadFloat64(Fixture("sel_x"))), Labels, K, rectifiedMeans: true,
            memoryBudgetBytes: 2 * 68 * 8 * 7); // 7-column blocks, the float64 path

        var means = Expected("sel_means");
        var m2 = Expected("sel_m2");
        var rect = Expected("sel_rectified_means");
        for (int g = 0; g < K; g++)
        {
            RsaFixtures.Close(Row(means, g), stats[g].Mean, 1e-13, 1e-13);
            RsaFixtures.Close(Row(m2, g), stats[g].SumOfSquares, 1e-12, 1e-11);
            RsaFixtures.Close(Row(rect, g), stats[g].RectifiedMean!, 1e-13, 1e-13);
            RsaFixtures.Close(stats[g].Mean, doubles[g].Mean, 1e-14, 1e-14);
            RsaFixtures.Close(stats[g].SumOfSquares, doubles[g].SumOfSquares, 1e-13, 1e-13);
            RsaFixtures.Close(stats[g].RectifiedMean!, doubles[g].RectifiedMean!, 1e-14, 1e-14);
        }
    }

    [Fact]
    public void Statistics_RectifyOnFloatAndDoubleSources_Agree()
    {
        var x = Npy.ReadFloat64(Fixture("sel_x"));
        var floats = new FloatMatrix(x.Dimension(0), x.Dimension(1), x.Data.Select(v => (float)v).ToArray());
        var a = UnitGroupStatistics.Compute(floats, Labels, K, rectify: true, rectifiedMeans: true);
        var b = UnitGroupStatistics.Compute(DoubleMatrix.From(x), Labels, K, rectify: true, rectifiedMeans: true);
        var rect = Expected("sel_rectified_means");
        for (int g = 0; g < K; g++)
        {
            RsaFixtures.Close(Row(rect, g), a[g].Mean, 1e-13, 1e-13);
            RsaFixtures.Close(b[g].Mean, a[g].Mean, 1e-14, 1e-14);
            RsaFixtures.Close(b[g].SumOfSquares, a[g].SumOfSquares, 1e-13, 1e-13);
            RsaFixtures.Close(a[g].Mean, a[g].RectifiedMean!, 0);
        }
    }

    [Theory]
    [InlineData(TTestVariance.Welch, "welch")]
    [InlineData(TTestVariance.Student, "student")]
    public void Compare_EveryCategoryPair_MatchesScipyOneSided(TTestVariance variance, string name)
    {
        using var x = NpyMatrix.Open(Fixture("sel_x"));
        var stats = UnitGroupStatistics.Compute(x, Labels, K);
        var t = Expected($"sel_{name}_pair_t");
        var p = Expected($"sel_{name}_pair_p");
        var regular = Enumerable.Range(0, 80).ToArray(); // 80–93 hold the degenerate units (pairs of constant groups)
        for (int c = 0; c < K; c++)
            for (int d = 0; d < K; d++)
            {
                if (c == d) continue;
                var r = UnitTTest.Compare(stats[c], stats[d], variance, TTestAlternative.Greater);
                var et = Row(t, c * K + d);
                var ep = Row(p, c * K + d);
                RsaFixtures.Close(regular.Select(u => et[u]).ToArray(), regular.Select(u => r.T[u]).ToArray(), 1e-10, 1e-10);
                RsaFixtures.Close(regular.Select(u => ep[u]).ToArray(), regular.Select(u => r.P[u]).ToArray(), 1e-13, 1e-9);
            }
    }

    [Fact]
    public void Compute_SmallBudgetAndDoubleSource_GiveIdenticalResults()
    {
        var reference = Run(TTestVariance.Welch, MultipleComparisonCorrection.BenjaminiYekutieli);
        var small = Run(TTestVariance.Welch, MultipleComparisonCorrection.BenjaminiYekutieli, budget: 2 * 68 * 4 * 3);
        var doubles = UnitSelectivity.Compute(DoubleMatrix.From(Npy.ReadFloat64(Fixture("sel_x"))), Labels, K);

        foreach (var other in new[] { small, doubles })
        {
            Assert.Equal(reference.SelectiveFor, other.SelectiveFor);
            Assert.Equal(reference.Preferred, other.Preferred);
            RsaFixtures.Close(reference.PMax, other.PMax, 1e-15, 1e-12);
            RsaFixtures.Close(reference.Csi, other.Csi, 1e-15, 1e-13);
        }
    }

    [Theory]
    [InlineData(MultipleComparisonCorrection.BenjaminiYekutieli)]
    [InlineData(MultipleComparisonCorrection.BenjaminiHochberg)]
    [InlineData(MultipleComparisonCorrection.Bonferroni)]
    [InlineData(MultipleComparisonCorrection.None)]
    public void Compute_Screened_SelectsTheSameUnits(MultipleComparisonCorrection correction)
    {
        var exact = Run(TTestVariance.Welch, correction);
        var screened = Run(TTestVariance.Welch, correction, exact: false);

        Assert.Equal(exact.SelectiveFor, screened.SelectiveFor);
        Assert.Equal(exact.Groups.Select(g => g.PThreshold), screened.Groups.Select(g => g.PThreshold));
        Assert.True(screened.ScreenedUnits > 100);
        for (int u = 0; u < U; u++)
        {
            if (double.IsNaN(screened.PMax[u]) && exact.Preferred[u] >= 0) Assert.True(exact.PMax[u] > 0.05, $"unit {u}: screened with p_max {exact.PMax[u]}");
            else RsaFixtures.Close([exact.PMax[u]], [screened.PMax[u]], 0);
        }
    }

    [Theory]
    [InlineData(MultipleComparisonCorrection.BenjaminiYekutieli)]
    [InlineData(MultipleComparisonCorrection.BenjaminiHochberg)]
    [InlineData(MultipleComparisonCorrection.Bonferroni)]
    public void Compute_Selections_EqualFalseDiscoveryOverTheWholeFamily(MultipleComparisonCorrection correction)
    {
        var r = Run(TTestVariance.Student, correction);
        for (int g = 0; g < K; g++)
        {
            // The family of category g: every tested unit; p(u, g) is p_max where g is preferred, ≥ 0.5 (here 1) elsewhere.
            var p = Enumerable.Range(0, U).Select(u => r.Preferred[u] < 0 ? double.NaN : r.Preferred[u] == g ? r.PMax[u] : 1.0).ToArray();
            var rejected = FalseDiscovery.Correct(p, correction, 0.05).Rejected;
            Assert.Equal(rejected, r.SelectiveFor.Select(s => s == g).ToArray());
            var threshold = r.Groups[g].PThreshold;
            Assert.Equal(Enumerable.Range(0, U).Where(u => rejected[u]).Select(u => r.PMax[u]).DefaultIfEmpty(double.NaN).Max(), threshold);
        }
    }

    [Fact]
    public void Compute_PlantedSelectivity_IsRecoveredWithTheStatedFalseDiscoveryRate()
    {
        // 6 categories × 15 images, 2,000 units: 200 planted (one category +3 sd), 200 tied nulls (two
        // categories +3 sd: not selective, the hardest null), the rest pure noise. Ten seeds.
        const int perCategory = 15, units = 2000, planted = 200, tied = 200, seeds = 10;
        var labels = Enumerable.Range(0, K * perCategory).Select(i => i % K).ToArray();
        double fdpBy = 0, fdpBh = 0, powerBy = 0;
        for (int seed = 1; seed <= seeds; seed++)
        {
            var rng = new Random(seed);
            var data = new float[labels.Length * units];
            var truth = new int[units];
            for (int u = 0; u < units; u++)
            {
                truth[u] = u < planted ? u % K : -1;
                int tieA = u % K, tieB = (u + 1) % K;
                for (int r = 0; r < labels.Length; r++)
                {
                    double v = Gaussian(rng);
                    if (u < planted && labels[r] == truth[u]) v += 3;
                    else if (u >= planted && u < planted + tied && (labels[r] == tieA || labels[r] == tieB)) v += 3;
                    data[r * units + u] = (float)v;
                }
            }
            var x = new FloatMatrix(labels.Length, units, data);
            var by = UnitSelectivity.Compute(x, labels, K);
            var bh = UnitSelectivity.Compute(x, labels, K, new SelectivityOptions { Correction = MultipleComparisonCorrection.BenjaminiHochberg });
            fdpBy += Fdp(by, truth);
            fdpBh += Fdp(bh, truth);
            powerBy += Enumerable.Range(0, planted).Count(u => by.SelectiveFor[u] == truth[u]) / (double)planted;
        }
        output.WriteLine($"mean FDP: BY {fdpBy / seeds:F4}, BH {fdpBh / seeds:F4}; BY power {powerBy / seeds:F4}");
        Assert.True(fdpBy / seeds <= 0.05, $"BY: mean FDP {fdpBy / seeds:F3}");
        Assert.True(fdpBh / seeds <= 0.05, $"BH: mean FDP {fdpBh / seeds:F3}");
        Assert.True(powerBy / seeds >= 0.95, $"BY: power {powerBy / seeds:F3}");

        static double Fdp(UnitSelectivityResult r, int[] truth)
        {
            int selected = r.SelectiveFor.Count(s => s >= 0);
            int wrong = Enumerable.Range(0, truth.Length).Count(u => r.SelectiveFor[u] >= 0 && r.SelectiveFor[u] != truth[u]);
            return selected == 0 ? 0 : wrong / (double)selected;
        }
    }

    [Fact]
    public void Compute_AllConstantLayer_TestsNothingAndSelectsNothing()
    {
        var x = new FloatMatrix(6, 5, Enumerable.Repeat(0.5f, 30).ToArray());

        var r = UnitSelectivity.Compute(x, [0, 0, 1, 1, 2, 2], 3);

        Assert.Equal(5, r.ConstantUnits);
        Assert.All(r.Groups, g => { Assert.Equal(0, g.Tested); Assert.Equal(0, g.Selective); Assert.Equal(5, g.ZeroVarianceUnits); });
        Assert.All(r.Preferred, p => Assert.Equal(-1, p));
    }

    [Fact]
    public void Compute_ConstantUnitFromFloat64Rounding_IsUntestable()
    {
        // 0.1 summed and divided by different counts gives means a rounding apart: not a difference.
        var x = new DoubleMatrix(7, 1, Enumerable.Repeat(0.1, 7).ToArray());

        var r = UnitSelectivity.Compute(x, [0, 0, 0, 1, 1, 1, 1], 2);

        Assert.Equal(1, r.ConstantUnits);
        Assert.Equal(-1, r.SelectiveFor[0]);
    }

    [Fact]
    public void Compute_BadGroups_ThrowClearMessages()
    {
        var x = new FloatMatrix(5, 2, new float[10]);
        var single = Assert.Throws<ArgumentException>(() => UnitSelectivity.Compute(x, [0, 0, 1, 1, 2], 3));
        Assert.Contains("Group 2 has 1 stimulus", single.Message);
        var one = Assert.Throws<ArgumentException>(() => UnitSelectivity.Compute(x, [0, 0, 0, 0, 0], 1));
        Assert.Contains("at least 2 are needed", one.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitSelectivity.Compute(x, [0, 0, 1, 1, 1], 2, new SelectivityOptions { Alpha = 0.5 }));
        var stats = UnitGroupStatistics.Compute(x, [0, 0, 1, 1, 1], 2);
        Assert.Contains("rectifiedMeans", Assert.Throws<ArgumentException>(() => UnitSelectivity.Test(stats)).Message);
    }

    [Fact]
    public void Compute_RowsLeftOut_AreIgnored()
    {
        using var x = NpyMatrix.Open(Fixture("sel_x"));
        var labels = Labels;
        var reference = UnitSelectivity.Compute(x, labels, K);
        var extended = new FloatMatrix(x.Rows + 1, U, new float[(x.Rows + 1) * U]);
        x.ReadColumns(0, U, extended.Data.AsSpan(0, x.Rows * U));
        Array.Fill(extended.Data, 1e6f, x.Rows * U, U);

        var r = UnitSelectivity.Compute(extended, [.. labels, -1], K);

        Assert.Equal(reference.SelectiveFor, r.SelectiveFor);
        RsaFixtures.Close(reference.PMax, r.PMax, 0);
    }

    /// <summary>As <see cref="RsaFixtures.Close"/>, with equal infinities accepted.</summary>
    private static void Close(double[] expected, double[] actual, double absolute, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsInfinity(expected[i])) Assert.Equal(expected[i], actual[i]);
            else RsaFixtures.Close([expected[i]], [actual[i]], absolute, relative);
        }
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
