using RepLens.Abstractions;
using RepLens.Rsa.Rdms;
using RepLens.Rsa.Units;
using Xunit;

namespace RepLens.Rsa.Tests.Units;

public sealed class FeatureMapSpreadTests
{
    [Fact]
    public void Compute_ChannelLayer_CountsPerChannelInCOrder()
    {
        // [3, 2, 2]: channel k holds units 4k … 4k + 3.
        int[] selectiveFor = [1, -1, 1, -1, /**/ -1, -1, -1, -1, /**/ 1, 0, 0, 0];

        var spread = FeatureMapSpread.Compute(selectiveFor, 1, [3, 2, 2])!;

        Assert.Equal([2, 0, 1], spread.UnitsPerChannel);
        Assert.Equal(2, spread.ChannelsWithSelective);
        double p = 2 / 3.0, q = 1 / 3.0;
        Assert.Equal(-(p * Math.Log(p) + q * Math.Log(q)) / Math.Log(3), spread.NormalizedEntropy, 14);
        Assert.Equal([0, 2], spread.SelectiveChannels());
    }

    [Fact]
    public void FromCounts_UniformAndConcentrated_GiveOneAndZero()
    {
        Assert.Equal(1.0, FeatureMapSpread.FromCounts([3, 3, 3, 3]).NormalizedEntropy, 14);
        Assert.Equal(0.0, FeatureMapSpread.FromCounts([0, 7, 0, 0]).NormalizedEntropy);
        Assert.True(double.IsNaN(FeatureMapSpread.FromCounts([0, 0, 0]).NormalizedEntropy));
        Assert.True(double.IsNaN(FeatureMapSpread.FromCounts([5]).NormalizedEntropy));
    }

    [Fact]
    public void Compute_NoChannelAxisOrWrongSize_IsNullOrThrows()
    {
        Assert.Null(FeatureMapSpread.Compute(new int[512], 0, [512]));
        Assert.Null(FeatureMapSpread.Compute(new int[12], 0, [3, 4]));
        Assert.Throws<ArgumentException>(() => FeatureMapSpread.Compute(new int[11], 0, [3, 2, 2]));
    }

    [Fact]
    public void Jaccard_Sets_GiveIntersectionOverUnion()
    {
        Assert.Equal(2 / 5.0, SelectionOverlap.Jaccard([1, 2, 5, 9], [2, 5, 7]));
        Assert.Equal(1.0, SelectionOverlap.Jaccard([4], [4]));
        Assert.Equal(0.0, SelectionOverlap.Jaccard([], [4]));
        Assert.True(double.IsNaN(SelectionOverlap.Jaccard([], [])));
        Assert.Throws<ArgumentException>(() => SelectionOverlap.Jaccard([3, 1], [1]));
    }

    [Fact]
    public void ColumnSubset_ReadsTheSelectedColumnsAndItsRdmEqualsTheGatheredMatrix()
    {
        var rng = new Random(3);
        int n = 9, p = 300;
        var data = Enumerable.Range(0, n * p).Select(_ => (float)rng.NextDouble()).ToArray();
        var source = new FloatMatrix(n, p, data);
        long[] columns = [0, 3, 4, 5, 77, 150, 151, 299];
        var subset = new ColumnSubset(source, columns);
        var gathered = new float[n * columns.Length];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < columns.Length; c++) gathered[r * columns.Length + c] = data[r * p + columns[c]];

        var block = new double[n * 3];
        subset.ReadColumns(2, 3, block);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < 3; c++) Assert.Equal(gathered[r * columns.Length + 2 + c], block[r * 3 + c]);
        Assert.Equal(gathered, subset.ToFloatMatrix().Data);
        var ids = Enumerable.Range(0, n).Select(i => $"s{i}").ToArray();
        var options = new RdmOptions { Device = RsaDevice.Cpu, Precision = RsaPrecision.Float64, BlockColumns = 3 };
        var a = RdmCalculator.Compute(subset, ids, DistanceMetric.Correlation, options).Rdm;
        var b = RdmCalculator.Compute(new FloatMatrix(n, columns.Length, gathered), ids, DistanceMetric.Correlation, options).Rdm;
        RsaFixtures.Close(b.CondensedArray, a.CondensedArray, 1e-14);
        Assert.Throws<ArgumentException>(() => new ColumnSubset(source, [3, 3]));
        Assert.Throws<ArgumentException>(() => new ColumnSubset(source, [300]));
    }
}
