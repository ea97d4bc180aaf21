using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using Xunit;

namespace RepLens.Rsa.Tests.Inference;

public sealed class PermutationTestTests
{
    private static (Rdm A, Rdm B) Pair(int n, double signal, int seed, bool ties = false)
    {
        var rng = new Random(seed);
        int m = n * (n - 1) / 2;
        var a = new double[m];
        var b = new double[m];
        for (int k = 0; k < m; k++)
        {
            a[k] = ties ? rng.Next(5) : rng.NextDouble();
            b[k] = signal * a[k] + rng.NextDouble();
            if (ties) b[k] = Math.Round(b[k], 1);
        }
        var ids = RsaFixtures.Ids(n);
        return (new Rdm(ids, a, "a"), new Rdm(ids, b, "b"));
    }

    [Theory]
    [InlineData(ComparisonMethod.Spearman)]
    [InlineData(ComparisonMethod.Pearson)]
    [InlineData(ComparisonMethod.Cosine)]
    [InlineData(ComparisonMethod.KendallTauA)]
    public void Run_NullValues_AreTheComparisonOfPermutedRdms(ComparisonMethod method)
    {
        var (a, b) = Pair(15, 0.3, 1, ties: true);
        const ulong seed = 99;
        var result = PermutationTest.Run(a, b, method, 50, seed);
        for (int k = 0; k < 50; k++)
        {
            var perm = SeededRandom.ForStream(seed, (ulong)k).Permutation(15);
            var permuted = b.Select(perm.Select(i => b.Ids[i]).ToArray());
            Assert.Equal(RdmComparer.Compare(a.Condensed, permuted.Condensed, method), result.Null[k], 12);
        }
        Assert.Equal(RdmComparer.Compare(a, b, method), result.Observed, 15);
        int exceed = result.Null.Count(v => v >= result.Observed - 1e-12);
        Assert.Equal((1.0 + exceed) / 51, result.PValue, 12);
    }

    [Fact]
    public void Run_SameSeed_IsBitIdenticalWhateverTheThreads()
    {
        var (a, b) = Pair(40, 0.2, 2);
        var one = PermutationTest.Run(a, b, ComparisonMethod.Spearman, 300, 7, maxDegreeOfParallelism: 1);
        var all = PermutationTest.Run(a, b, ComparisonMethod.Spearman, 300, 7);
        Assert.Equal(one.Null.Select(BitConverter.DoubleToInt64Bits), all.Null.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(one.PValue, all.PValue);
        var other = PermutationTest.Run(a, b, ComparisonMethod.Spearman, 300, 8);
        Assert.NotEqual(one.Null, other.Null);
    }

    [Fact]
    public void Run_StrongRelation_GivesSmallestP()
    {
        var (a, b) = Pair(30, 5, 3);
        var r = PermutationTest.Run(a, b, ComparisonMethod.Spearman, 199, 1);
        Assert.Equal(1.0 / 200, r.PValue);
    }

    [Fact]
    public void Run_NoRelation_GivesUniformishP()
    {
        var (a, b) = Pair(30, 0, 4);
        var r = PermutationTest.Run(a, b, ComparisonMethod.Pearson, 199, 1);
        Assert.InRange(r.PValue, 0.01, 1);
        Assert.InRange(r.Null.Average(), -0.05, 0.05);
    }

    [Fact]
    public void Run_NaNPairs_UseTheExactNaNAwareComparison()
    {
        var (a, b) = Pair(12, 0.5, 5);
        var bv = b.CondensedArray.ToArray();
        bv[3] = double.NaN;
        bv[40] = double.NaN;
        var bn = new Rdm(b.Ids, bv, "b");
        var r = PermutationTest.Run(a, bn, ComparisonMethod.Spearman, 20, 3);
        for (int k = 0; k < 20; k++)
        {
            var perm = SeededRandom.ForStream(3, (ulong)k).Permutation(12);
            var permuted = bn.Select(perm.Select(i => bn.Ids[i]).ToArray());
            Assert.Equal(RdmComparer.Compare(a.Condensed, permuted.Condensed, ComparisonMethod.Spearman), r.Null[k], 14);
        }
    }

    [Fact]
    public void SeededRandom_KnownSeed_GivesFixedSequence()
    {
        // xoshiro256** seeded by SplitMix64: values pinned so that a change of generator is noticed.
        var rng = new SeededRandom(0);
        var first = new[] { rng.NextUInt64(), rng.NextUInt64() };
        var again = new SeededRandom(0);
        Assert.Equal(first, new[] { again.NextUInt64(), again.NextUInt64() });
        Assert.Equal(SplitMixXoshiroReference(0, 2), first);
        var counts = new int[5];
        var r2 = new SeededRandom(1);
        for (int i = 0; i < 50_000; i++) counts[r2.NextInt(5)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    /// <summary>Independent transcription of the reference C code (prng.di.unimi.it).</summary>
    private static ulong[] SplitMixXoshiroReference(ulong seed, int count)
    {
        ulong x = seed;
        ulong Next()
        {
            ulong z = x += 0x9e3779b97f4a7c15;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
            z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
            return z ^ (z >> 31);
        }
        ulong[] s = [Next(), Next(), Next(), Next()];
        var output = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            output[i] = ulong.RotateLeft(s[1] * 5, 7) * 9;
            ulong t = s[1] << 17;
            s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
            s[3] = ulong.RotateLeft(s[3], 45);
        }
        return output;
    }
}

public sealed class PermutationKernelTests
{
    [Fact]
    public void Dot_PointerLoop_IsBitIdenticalToSpanLoop()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 3, 7, 30, 101 })
        {
            int m = n * (n - 1) / 2;
            var a = Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray();
            var b = Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray();
            var za = PermutationTest.Standardize(a, ComparisonMethod.Spearman);
            var zb = PermutationTest.Square(PermutationTest.Standardize(b, ComparisonMethod.Spearman), n);
            for (int k = 0; k < 5; k++)
            {
                var perm = new SeededRandom((ulong)k).Permutation(n);
                Assert.Equal(BitConverter.DoubleToInt64Bits(PermutationTest.DotScalar(za, zb, perm, n)),
                    BitConverter.DoubleToInt64Bits(PermutationTest.Dot(za, zb, perm, n)));
            }
        }
    }
}
