using RepLens.Abstractions;
using RepLens.Rsa.Rdms;
using Xunit;

namespace RepLens.Rsa.Tests.Rdms;

public sealed class GramAccumulatorTests
{
    private static readonly RdmOptions F64 = new() { Precision = RsaPrecision.Float64, Device = RsaDevice.Cpu, BlockColumns = 6 };

    private static DoubleMatrix X => DoubleMatrix.From(RsaFixtures.Array("rdm_x"));

    [Fact]
    public void Merge_TwoShards_EqualsOnePass()
    {
        var ids = RsaFixtures.Ids(12);
        using var whole = RdmCalculator.Accumulate(X, 0, 37, F64);
        using var first = RdmCalculator.Accumulate(X, 0, 20, F64);
        using var second = RdmCalculator.Accumulate(X, 20, 17, F64);
        first.Merge(second);
        Assert.Equal(37, first.Columns);
        foreach (var metric in new[] { DistanceMetric.Correlation, DistanceMetric.Cosine, DistanceMetric.Euclidean, DistanceMetric.SquaredEuclidean })
        {
            var expected = RsaFixtures.Vector($"rdm_x_{EnumNames.Name(metric)}");
            RsaFixtures.Close(whole.ToRdm(ids, metric).Rdm.CondensedArray, first.ToRdm(ids, metric).Rdm.CondensedArray, 1e-12);
            RsaFixtures.Close(expected, first.ToRdm(ids, metric).Rdm.CondensedArray, 1e-10);
        }
    }

    [Fact]
    public void ExportImport_RoundTrip_MergesLikeTheOriginal()
    {
        var ids = RsaFixtures.Ids(12);
        using var a = RdmCalculator.Accumulate(X, 0, 11, F64);
        using var b = RdmCalculator.Accumulate(X, 11, 26, F64);
        var stateB = b.Export();
        using var imported = GramAccumulator.Import(stateB, F64);
        Assert.Equal(stateB.Gram, imported.Export().Gram);
        a.Merge(imported);
        RsaFixtures.Close(RsaFixtures.Vector("rdm_x_correlation"), a.ToRdm(ids, DistanceMetric.Correlation).Rdm.CondensedArray, 1e-10);
    }

    [Fact]
    public void Merge_IntoEmpty_AdoptsTheOther()
    {
        using var empty = new GramAccumulator(12, F64);
        using var all = RdmCalculator.Accumulate(X, 0, 37, F64);
        empty.Merge(all);
        RsaFixtures.Close(RsaFixtures.Vector("rdm_x_cosine"), empty.ToRdm(RsaFixtures.Ids(12), DistanceMetric.Cosine).Rdm.CondensedArray, 1e-10);
    }

    [Fact]
    public void Add_SpanBlocks_MatchesCalculator()
    {
        var x = X;
        using var acc = new GramAccumulator(12, F64 with { RowTile = 5 });
        var buffer = new double[12 * 10];
        for (int start = 0; start < 37; start += 10)
        {
            int count = Math.Min(10, 37 - start);
            x.ReadColumns(start, count, buffer);
            acc.Add(buffer.AsSpan(0, 12 * count), count);
        }
        RsaFixtures.Close(RsaFixtures.Vector("rdm_x_sqeuclidean"), acc.ToRdm(RsaFixtures.Ids(12), DistanceMetric.SquaredEuclidean).Rdm.CondensedArray, 1e-10);
        var floats = new float[12 * 37];
        x.ReadColumns(0, 37, floats);
        using var f = new GramAccumulator(12, new RdmOptions { Device = RsaDevice.Cpu });
        f.Add(floats, 37);
        RsaFixtures.Close(RsaFixtures.Vector("rdm_x_correlation"), f.ToRdm(RsaFixtures.Ids(12), DistanceMetric.Correlation).Rdm.CondensedArray, 2e-6);
    }

    [Fact]
    public void Merge_DifferentRows_Throws()
    {
        using var a = new GramAccumulator(3, F64);
        using var b = new GramAccumulator(4, F64);
        Assert.Throws<ArgumentException>(() => a.Merge(b));
    }

    [Fact]
    public void Import_BadState_Throws()
    {
        var bad = new GramState(3, 5, new double[8], new double[3], new double[3]);
        Assert.Throws<ArgumentException>(() => GramAccumulator.Import(bad));
    }
}
