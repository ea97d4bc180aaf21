using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using Xunit;

namespace RepLens.Rsa.Tests.Inference;

public sealed class StimulusBootstrapTests
{
    private static Rdm Random(int n, int seed, Rdm? like = null, double signal = 0)
    {
        var rng = new Random(seed);
        var v = new double[n * (n - 1) / 2];
        for (int k = 0; k < v.Length; k++) v[k] = rng.NextDouble() + (like is null ? 0 : signal * like.CondensedArray[k]);
        return new Rdm(RsaFixtures.Ids(n), v, $"r{seed}");
    }

    [Fact]
    public void Compare_SameSeed_IsBitIdentical()
    {
        var a = Random(20, 1);
        var b = Random(20, 2, a, 1);
        var x = StimulusBootstrap.Compare(a, b, ComparisonMethod.Spearman, 200, 5);
        var y = StimulusBootstrap.Compare(a, b, ComparisonMethod.Spearman, 200, 5);
        Assert.Equal(x.Samples.Select(BitConverter.DoubleToInt64Bits), y.Samples.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(x.Lower, y.Lower);
        Assert.True(x.Lower < x.Estimate && x.Estimate < x.Upper);
        Assert.Equal(RdmComparer.Compare(a, b, ComparisonMethod.Spearman), x.Estimate);
    }

    [Fact]
    public void Run_ResamplesTheSameStimuliInAllRdms()
    {
        var a = Random(15, 3);
        var r = StimulusBootstrap.CompareDifference(a, a, Random(15, 4, a, 2), ComparisonMethod.Pearson, 100, 9);
        Assert.All(r.Samples, v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, r.Lower);
        Assert.Equal(0.0, r.Upper);
    }

    [Fact]
    public void Run_DropsSelfPairsKeepsRepeatedPairs()
    {
        var a = Random(10, 6);
        int n = 10;
        var r = StimulusBootstrap.Run([a], v => v[0].Length, 50, 11);
        for (int b = 0; b < 50; b++)
        {
            var rng = SeededRandom.ForStream(11, (ulong)b);
            var drawn = Enumerable.Range(0, n).Select(_ => rng.NextInt(n)).ToArray();
            int expected = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    if (drawn[i] != drawn[j]) expected++;
            Assert.Equal(expected, r.Samples[b]);
        }
    }

    [Fact]
    public void Percentile_MatchesNumPyLinear()
    {
        double[] sorted = [1, 2, 4, 8];
        Assert.Equal(1.15, StimulusBootstrap.Percentile(sorted, 0.05), 12); // np.percentile([1,2,4,8], 5)
        Assert.Equal(7.4, StimulusBootstrap.Percentile(sorted, 0.95), 12);
        Assert.Equal(3.0, StimulusBootstrap.Percentile(sorted, 0.5), 12);
    }

    [Fact]
    public void Run_DifferentSizes_Throws()
    {
        Assert.Throws<ArgumentException>(() => StimulusBootstrap.Run([Random(5, 1), Random(6, 1)], v => 0, 10, 1));
    }
}
