using RepLens.Abstractions.IO;
using RepLens.Rsa.Units;
using Xunit;

namespace RepLens.Rsa.Tests.Units;

public sealed class UnitTTestTests
{
    private static DoubleMatrix X => DoubleMatrix.From(RsaFixtures.Array("tt_x"));

    private static bool[] GroupA => Npy.ReadInt64(RsaFixtures.Path("tt_group_a")).Data.Select(v => v != 0).ToArray();

    [Theory]
    [InlineData(TTestVariance.Welch, "welch")]
    [InlineData(TTestVariance.Student, "student")]
    public void Run_EveryAlternative_MatchesScipyTtestInd(TTestVariance variance, string name)
    {
        var expected = RsaFixtures.Array($"tt_{name}");
        int u = expected.Dimension(1);
        double[] Row(int r) => expected.Data.AsSpan(r * u, u).ToArray();
        var a = GroupA;
        var b = a.Select(v => !v).ToArray();
        var alternatives = new[] { TTestAlternative.TwoSided, TTestAlternative.Greater, TTestAlternative.Less };
        for (int k = 0; k < 3; k++)
        {
            var r = UnitTTest.Run(X, a, b, variance, alternatives[k]);
            RsaFixtures.Close(Row(2 * k), r.T, 1e-10, 1e-10);
            RsaFixtures.Close(Row(2 * k + 1), r.P, 1e-12, 1e-9);
            RsaFixtures.Close(Row(6), r.DegreesOfFreedom, 1e-10, 1e-10);
        }
    }

    [Fact]
    public void Compute_SmallBudget_GivesSameStatistics()
    {
        var labels = GroupA.Select(v => v ? 0 : 1).ToArray();
        var big = UnitGroupStatistics.Compute(X, labels, 2);
        var small = UnitGroupStatistics.Compute(X, labels, 2, memoryBudgetBytes: 20 * 8 * 2 * 4); // 4 columns per block
        for (int g = 0; g < 2; g++)
        {
            Assert.Equal(big[g].Count, small[g].Count);
            RsaFixtures.Close(big[g].Mean, small[g].Mean, 1e-14);
            RsaFixtures.Close(big[g].SumOfSquares, small[g].SumOfSquares, 1e-13);
        }
    }

    [Fact]
    public void Pool_OfGroups_EqualsStatisticsOfTheUnion()
    {
        var labels = Enumerable.Range(0, 20).Select(r => r % 3).ToArray();
        var three = UnitGroupStatistics.Compute(X, labels, 3);
        var union = UnitGroupStatistics.Compute(X, labels.Select(l => l == 0 ? 0 : 1).ToArray(), 2);
        var pooled = three.AllExcept(0);
        Assert.Equal(union[1].Count, pooled.Count);
        RsaFixtures.Close(union[1].Mean, pooled.Mean, 1e-13);
        RsaFixtures.Close(union[1].SumOfSquares, pooled.SumOfSquares, 1e-12, 1e-12);
    }

    [Fact]
    public void Compute_Rectify_UsesPositivePart()
    {
        var m = new DoubleMatrix(4, 2, [-1, 2, 3, -4, -5, 6, 7, 8]);
        var s = UnitGroupStatistics.Compute(m, [0, 0, 1, -1], 2, rectify: true);
        Assert.Equal([1.5, 1.0], s[0].Mean);
        Assert.Equal([0.0, 6.0], s[1].Mean);
        Assert.Equal(1, s[1].Count);
    }

    [Fact]
    public void CategorySelectivity_Index_IsNaNWhereUndefined()
    {
        var pref = new UnitGroupSummary(3, [3, 0, 1], [0, 0, 0]);
        var rest = new UnitGroupSummary(9, [1, 0, 3], [0, 0, 0]);
        var csi = CategorySelectivity.Index(pref, rest);
        Assert.Equal(0.5, csi[0]);
        Assert.True(double.IsNaN(csi[1]));
        Assert.Equal(-0.5, csi[2]);
    }

    /// <summary>scipy.stats.t.sf(40, 30) with SciPy 1.10.</summary>
    private const double ScipySf40 = 6.863022597203181e-28;

    [Fact]
    public void PValue_FarTail_KeepsRelativeAccuracy()
    {
        double p = UnitTTest.PValue(40, 30, TTestAlternative.Greater);
        Assert.Equal(ScipySf40, p, ScipySf40 * 1e-9);
        Assert.Equal(2 * p, UnitTTest.PValue(-40, 30, TTestAlternative.TwoSided));
        Assert.Equal(1 - p, UnitTTest.PValue(40, 30, TTestAlternative.Less), 15);
    }

    [Fact]
    public void Run_BadGroups_Throw()
    {
        var all = Enumerable.Repeat(true, 20).ToArray();
        Assert.Throws<ArgumentException>(() => UnitTTest.Run(X, all, all, TTestVariance.Welch, TTestAlternative.TwoSided));
        var one = new bool[20];
        one[0] = true;
        Assert.Throws<ArgumentException>(() => UnitTTest.Run(X, one, one.Select(v => !v).ToArray(), TTestVariance.Welch, TTestAlternative.TwoSided));
        Assert.Throws<ArgumentException>(() => UnitGroupStatistics.Compute(X, new int[20].Select(_ => 5).ToArray(), 2));
    }
}
