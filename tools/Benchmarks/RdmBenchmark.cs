using RepLens.Abstractions;
using RepLens.Rsa;
using RepLens.Rsa.Rdms;
using static TorchSharp.torch;

namespace RepLens.Benchmarks;

/// <summary>
/// RDM (N = 1000, P = 100,000, correlation, float32) against a raw TorchSharp matmul X·Xᵀ of the same
/// in-memory data. Ratio = time(matmul) / time(RDM): ≥ 0.85 is the goal.
/// </summary>
internal static class RdmBenchmark
{
    public static int Run(string[] args)
    {
        int n = 1000, p = args.Length > 0 ? int.Parse(args[0]) : 100_000, reps = args.Length > 1 ? int.Parse(args[1]) : 5;
        Console.WriteLine($"rdm: N = {n}, P = {p}, correlation, float32; {Machine.Describe()}");
        var data = new float[(long)n * p];
        var rng = new Random(1);
        for (long i = 0; i < data.LongLength; i++) data[i] = (float)rng.NextDouble();
        var matrix = new FloatMatrix(n, p, data);
        var ids = Enumerable.Range(0, n).Select(i => $"s{i}").ToArray();
        using var x = from_array(data).view(n, p);
        var cpu = new RdmOptions { Device = RsaDevice.Cpu };
        var h = new Harness()
            .Add("matmul X·Xᵀ (baseline)", () => { using var g = x.mm(x.t()); })
            .Add("RDM correlation (default)", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu))
            .Add("RDM cosine (default)", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Cosine, cpu))
            .Add("RDM correlation, no prefetch", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { Prefetch = false }))
            .Add("RDM correlation, one tile", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { RowTile = n }))
            .Add("RDM correlation, float64", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { Precision = RsaPrecision.Float64 }))
            .Add("RDM correlation, tiles of 250", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { RowTile = 250 }))
            .Add("RDM correlation, float64, tiles of 250", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { Precision = RsaPrecision.Float64, RowTile = 250 }))
            .Run(reps);
        h.Print("matmul X·Xᵀ (baseline)");
        double flops = 2.0 * n * n * p;
        Console.WriteLine($"  baseline matmul: {flops / h.Median("matmul X·Xᵀ (baseline)") / 1e9:F0} GFLOP/s (median); block plan: {RdmCalculator.PlanBlockColumns(n, p, cpu)} columns");
        Console.WriteLine($"RESULT rdm ratio wall {h.Median("matmul X·Xᵀ (baseline)") / h.Median("RDM correlation (default)"):F3}, cpu {h.CpuMedian("matmul X·Xᵀ (baseline)") / h.CpuMedian("RDM correlation (default)"):F3} (goal ≥ 0.85)");
        return 0;
    }
}
