using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using Xunit;

namespace RepLens.Rsa.Tests.Comparisons;

public sealed class RdmComparerTests
{
    private static readonly ComparisonMethod[] Methods = [ComparisonMethod.Spearman, ComparisonMethod.Pearson, ComparisonMethod.KendallTauA, ComparisonMethod.Cosine];

    [Fact]
    public void Compare_TiedVectors_MatchesScipy()
    {
        var a = RsaFixtures.Vector("cmp_a");
        var b = RsaFixtures.Vector("cmp_b");
        var expected = RsaFixtures.Vector("cmp_expected");
        for (int m = 0; m < Methods.Length; m++)
            Assert.Equal(expected[m], RdmComparer.Compare(a, b, Methods[m]), 1e-10);
    }

    [Fact]
    public void Compare_NaNPairs_AreLeftOutOfBoth()
    {
        var a = RsaFixtures.Vector("cmp_a_nan");
        var b = RsaFixtures.Vector("cmp_b_nan");
        var expected = RsaFixtures.Vector("cmp_expected_nan");
        for (int m = 0; m < Methods.Length; m++)
        {
            Assert.Equal(expected[m], RdmComparer.Compare(a, b, Methods[m]), 1e-10);
            Assert.Equal(expected[m], RdmComparer.Compare(b, a, Methods[m]), 1e-10);
        }
    }

    [Theory]
    [InlineData(ComparisonMethod.Spearman)]
    [InlineData(ComparisonMethod.Pearson)]
    [InlineData(ComparisonMethod.KendallTauA)]
    [InlineData(ComparisonMethod.Cosine)]
    public void Compare_IdenticalRdms_ReturnsOne(ComparisonMethod method)
    {
        var a = RsaFixtures.Vector("rdm_x_correlation");
        Assert.Equal(1.0, RdmComparer.Compare(a, a, method), 12);
    }

    [Fact]
    public void Compare_KendallWithTies_MatchesNaiveLoop()
    {
        var rng = new Random(7);
        foreach (int n in new[] { 2, 3, 10, 101, 500 })
        {
            var x = Enumerable.Range(0, n).Select(_ => (double)rng.Next(6)).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => (double)rng.Next(4)).ToArray();
            Assert.Equal(NaiveTauA(x, y), RdmComparer.Compare(x, y, ComparisonMethod.KendallTauA), 12);
            var u = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var v = u.Select(t => t + rng.NextDouble()).ToArray();
            Assert.Equal(NaiveTauA(u, v), RdmComparer.Compare(u, v, ComparisonMethod.KendallTauA), 12);
        }
    }

    [Fact]
    public void Compare_ReorderedIds_AlignsFirst()
    {
        var ids = RsaFixtures.Ids(12);
        var a = new Rdm(ids, RsaFixtures.Vector("rdm_x_correlation"), "a");
        var b = new Rdm(ids, RsaFixtures.Vector("rdm_x_euclidean"), "b");
        var shuffled = b.Select(ids.Reverse().ToArray());
        foreach (var method in Methods)
            Assert.Equal(RdmComparer.Compare(a, b, method), RdmComparer.Compare(a, shuffled, method), 12);
    }

    [Fact]
    public void Compare_DifferentStimuli_ThrowsNamingThem()
    {
        var a = new Rdm(["x", "y", "z"], [1, 2, 3], "a");
        var b = new Rdm(["x", "y", "w"], [1, 2, 3], "b");
        var ex = Assert.Throws<ArgumentException>(() => RdmComparer.Compare(a, b, ComparisonMethod.Spearman));
        Assert.Contains("z", ex.Message);
        Assert.Contains("w", ex.Message);
    }

    [Fact]
    public void Compare_ConstantOrTooFewPairs_ReturnsNaN()
    {
        Assert.True(double.IsNaN(RdmComparer.Compare([1.0, 1, 1], [1.0, 2, 3], ComparisonMethod.Pearson)));
        Assert.True(double.IsNaN(RdmComparer.Compare([1.0, 1, 1], [1.0, 2, 3], ComparisonMethod.Spearman)));
        Assert.True(double.IsNaN(RdmComparer.Compare([1.0, double.NaN, 3], [double.NaN, 2, 3], ComparisonMethod.KendallTauA)));
        Assert.Throws<ArgumentException>(() => RdmComparer.Compare([1.0, 2], [1.0], ComparisonMethod.Cosine));
    }

    [Fact]
    public void Ranking_Ties_GetAverageRank()
    {
        Assert.Equal([2.5, 1, 2.5, 4], Ranking.Average([5.0, 1, 5, 7]));
    }

    private static double NaiveTauA(double[] x, double[] y)
    {
        long s = 0;
        int n = x.Length;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                s += Math.Sign(x[i] - x[j]) * Math.Sign(y[i] - y[j]);
        return s / (n * (n - 1) / 2.0);
    }
}
