using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Rsa.Rdms;
using Xunit;

namespace RepLens.Rsa.Tests.Rdms;

public sealed class RdmCalculatorTests
{
    private static readonly RdmOptions F64 = new() { Precision = RsaPrecision.Float64, Device = RsaDevice.Cpu };
    private static readonly RdmOptions F32 = new() { Precision = RsaPrecision.Float32, Device = RsaDevice.Cpu };

    public static TheoryData<DistanceMetric> Metrics() =>
        new(DistanceMetric.Cosine, DistanceMetric.Correlation, DistanceMetric.Euclidean, DistanceMetric.SquaredEuclidean);

    private static DoubleMatrix X => DoubleMatrix.From(RsaFixtures.Array("rdm_x"));

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Compute_Float64_MatchesScipyPdist(DistanceMetric metric)
    {
        var r = RdmCalculator.Compute(X, RsaFixtures.Ids(12), metric, F64);
        RsaFixtures.Close(RsaFixtures.Vector($"rdm_x_{EnumNames.Name(metric)}"), r.Rdm.CondensedArray, 1e-10);
        Assert.Empty(r.Warnings);
        Assert.Equal(EnumNames.Name(metric), r.Rdm.Metric);
        var square = r.Rdm.ToSquare();
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(0.0, square[i * 12 + i]);
            for (int j = 0; j < 12; j++) Assert.Equal(square[i * 12 + j], square[j * 12 + i]);
        }
        Assert.Equal(37, r.Features);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Compute_Float32_MatchesScipyWithinStatedTolerance(DistanceMetric metric)
    {
        // Float32 blocks, float64 accumulation: about 1e-6 relative to the row norms.
        var r = RdmCalculator.Compute(X, RsaFixtures.Ids(12), metric, F32);
        RsaFixtures.Close(RsaFixtures.Vector($"rdm_x_{EnumNames.Name(metric)}"), r.Rdm.CondensedArray, 2e-6, 2e-6);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Compute_FromNpyFile_MatchesScipyPdist(DistanceMetric metric)
    {
        using var m = NpyMatrix.Open(RsaFixtures.Path("rdm_x"));
        var r = RdmCalculator.Compute(m, RsaFixtures.Ids(12), metric, F64 with { BlockColumns = 8 });
        RsaFixtures.Close(RsaFixtures.Vector($"rdm_x_{EnumNames.Name(metric)}"), r.Rdm.CondensedArray, 1e-10);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, true)]
    [InlineData(7, false)]
    [InlineData(36, true)]
    [InlineData(37, true)]
    [InlineData(1000, true)]
    public void Compute_AnyBlockSize_GivesSameRdm(int block, bool prefetch)
    {
        foreach (var metric in new[] { DistanceMetric.Correlation, DistanceMetric.Cosine, DistanceMetric.Euclidean })
        {
            var r = RdmCalculator.Compute(X, RsaFixtures.Ids(12), metric, F64 with { BlockColumns = block, Prefetch = prefetch });
            RsaFixtures.Close(RsaFixtures.Vector($"rdm_x_{EnumNames.Name(metric)}"), r.Rdm.CondensedArray, 1e-10);
            Assert.Equal(Math.Min(block, 37), r.BlockColumns);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(12)]
    public void Compute_AnyRowTile_GivesSameRdm(int tile)
    {
        var r = RdmCalculator.Compute(X, RsaFixtures.Ids(12), DistanceMetric.Correlation, F64 with { RowTile = tile, BlockColumns = 10 });
        RsaFixtures.Close(RsaFixtures.Vector("rdm_x_correlation"), r.Rdm.CondensedArray, 1e-10);
    }

    [Fact]
    public void Compute_Float32LargeRowOffsets_CorrelationStaysAccurate()
    {
        // Rows 1000 + N(0, 1): the plain one-pass formula in float32 would lose about 6 digits.
        var a = Npy.ReadFloat32(RsaFixtures.Path("rdm_offset_x"));
        var m = new FloatMatrix(a.Dimension(0), a.Dimension(1), a.Data);
        var ids = RsaFixtures.Ids(8);
        var r = RdmCalculator.Compute(m, ids, DistanceMetric.Correlation, F32 with { BlockColumns = 100 });
        RsaFixtures.Close(RsaFixtures.Vector("rdm_offset_correlation"), r.Rdm.CondensedArray, 1e-5);
        var e = RdmCalculator.Compute(m, ids, DistanceMetric.Euclidean, F32 with { BlockColumns = 100 });
        RsaFixtures.Close(RsaFixtures.Vector("rdm_offset_euclidean"), e.Rdm.CondensedArray, 0, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Compute_ConsistentReorderingOfStimuli_GivesSameRdm(DistanceMetric metric)
    {
        var ids = RsaFixtures.Ids(12);
        var order = new[] { 5, 2, 11, 0, 7, 1, 3, 10, 4, 9, 6, 8 };
        var original = RdmCalculator.Compute(X, ids, metric, F64).Rdm;
        var shuffled = RdmCalculator.Compute(X.SelectRows(order), order.Select(i => ids[i]).ToArray(), metric, F64).Rdm;
        RsaFixtures.Close(original.CondensedArray, shuffled.Select(ids).CondensedArray, 1e-12);
    }

    [Fact]
    public void Compute_IdenticalRows_HaveZeroDistance()
    {
        var data = new float[] { 1, 2, 3, 4, 1, 2, 3, 4, -1, 0, 2, 1 };
        foreach (var metric in new[] { DistanceMetric.Correlation, DistanceMetric.Cosine, DistanceMetric.Euclidean, DistanceMetric.SquaredEuclidean })
        {
            var r = RdmCalculator.Compute(new FloatMatrix(3, 4, data), ["a", "b", "c"], metric, F32);
            Assert.Equal(0.0, r.Rdm[0, 1], 12);
            Assert.All(r.Rdm.CondensedArray, v => Assert.True(v >= 0));
        }
    }

    [Fact]
    public void Compute_ZeroNormRowCosine_IsNaNWithWarningNamingIt()
    {
        var data = new float[] { 1, 2, 3, 0, 0, 0, 3, 1, 2, 2, 2, 5 };
        var list = new List<string>();
        var r = RdmCalculator.Compute(new FloatMatrix(4, 3, data), ["a", "zero", "c", "d"], DistanceMetric.Cosine, F32, new ListLogger(list));
        Assert.Equal([1], r.UndefinedRows);
        Assert.True(double.IsNaN(r.Rdm[0, 1]) && double.IsNaN(r.Rdm[1, 2]) && double.IsNaN(r.Rdm[1, 3]));
        Assert.False(double.IsNaN(r.Rdm[0, 2]));
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("zero norm", warning);
        Assert.Contains("zero", warning);
        Assert.Equal(r.Warnings, list);
        // Euclidean distances of a zero row are defined.
        var e = RdmCalculator.Compute(new FloatMatrix(4, 3, data), ["a", "zero", "c", "d"], DistanceMetric.Euclidean, F32);
        Assert.Empty(e.Warnings);
        Assert.Equal(Math.Sqrt(14), e.Rdm[0, 1], 6);
    }

    [Fact]
    public void Compute_ConstantRowCorrelation_IsNaNWithWarning()
    {
        var data = new double[] { 1, 2, 3, 0.1, 0.1, 0.1, 3, 1, 2, 2, 2, 5 };
        var r = RdmCalculator.Compute(new DoubleMatrix(4, 3, data), ["a", "flat", "c", "d"], DistanceMetric.Correlation, F64 with { BlockColumns = 2 });
        Assert.Equal([1], r.UndefinedRows);
        Assert.Contains("zero variance", Assert.Single(r.Warnings));
        Assert.Contains("flat", r.Warnings[0]);
        Assert.Equal(3, r.Rdm.CondensedArray.Count(double.IsNaN));
        // Cosine is defined for a constant non-zero row.
        Assert.Empty(RdmCalculator.Compute(new DoubleMatrix(4, 3, data), ["a", "flat", "c", "d"], DistanceMetric.Cosine, F64).Warnings);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Compute_NonFiniteValues_AreNaNWithWarning(DistanceMetric metric)
    {
        var data = new float[] { 1, 2, 3, 4, float.NaN, 6, 3, 1, 2, 2, 2, float.PositiveInfinity };
        var r = RdmCalculator.Compute(new FloatMatrix(4, 3, data), ["a", "nan", "c", "inf"], metric, F32);
        Assert.Equal([1, 3], r.UndefinedRows);
        Assert.Contains("NaN or infinite", Assert.Single(r.Warnings));
        Assert.False(double.IsNaN(r.Rdm[0, 2]));
        Assert.True(double.IsNaN(r.Rdm[0, 1]) && double.IsNaN(r.Rdm[2, 3]));
    }

    [Fact]
    public void Compute_IdsDoNotMatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => RdmCalculator.Compute(X, RsaFixtures.Ids(11), DistanceMetric.Cosine, F64));
        var dup = RsaFixtures.Ids(12);
        dup[5] = dup[2];
        var ex = Assert.Throws<ArgumentException>(() => RdmCalculator.Compute(X, dup, DistanceMetric.Cosine, F64));
        Assert.Contains(dup[2], ex.Message);
    }

    [Fact]
    public void PlanBlockColumns_Budget_FitsBuffersAfterWorkingMatrices()
    {
        var options = new RdmOptions { MemoryBudgetBytes = 2L << 30 };
        int b = RdmCalculator.PlanBlockColumns(1000, 2_000_000, options);
        long used = 1000L * 1000 * (8 + 4) + 2L * 1000 * 4 * b;
        Assert.True(used <= options.MemoryBudgetBytes);
        Assert.Equal((int)(RdmCalculator.MaxBlockBufferBytes / 4000), b);
        Assert.Equal(37, RdmCalculator.PlanBlockColumns(12, 37, options));
        var small = options with { MemoryBudgetBytes = 30_000_000 };
        long fixedBytes = 1000L * 1000 * 12;
        Assert.Equal((int)((30_000_000 - fixedBytes) / 8000), RdmCalculator.PlanBlockColumns(1000, 2_000_000, small));
        var ex = Assert.Throws<ArgumentException>(() => RdmCalculator.PlanBlockColumns(1000, 100, options with { MemoryBudgetBytes = 10_000_000 }));
        Assert.Contains("too small", ex.Message);
    }

    [Fact]
    public void Compute_CudaWithoutCuda_ThrowsSayingSo()
    {
        if (TorchSharp.torch.cuda.is_available()) return;
        var ex = Assert.Throws<InvalidOperationException>(() => RdmCalculator.Compute(X, RsaFixtures.Ids(12), DistanceMetric.Cosine, F64 with { Device = RsaDevice.Cuda }));
        Assert.Contains("CUDA", ex.Message);
    }

    [RepLens.TestSupport.GpuFact]
    public void Compute_Cuda_MatchesCpu()
    {
        foreach (var metric in new[] { DistanceMetric.Correlation, DistanceMetric.Cosine, DistanceMetric.Euclidean })
        {
            var cpu = RdmCalculator.Compute(X, RsaFixtures.Ids(12), metric, F32 with { BlockColumns = 10 });
            var gpu = RdmCalculator.Compute(X, RsaFixtures.Ids(12), metric, F32 with { BlockColumns = 10, Device = RsaDevice.Cuda });
            Assert.StartsWith("cuda", gpu.Device);
            RsaFixtures.Close(cpu.Rdm.CondensedArray, gpu.Rdm.CondensedArray, 1e-5, 1e-5);
        }
    }
}
