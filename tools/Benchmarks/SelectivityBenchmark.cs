using System.Diagnostics;
using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Rsa.Units;
using static TorchSharp.torch;

namespace RepLens.Benchmarks;

/// <summary>
/// The category localizer (<see cref="UnitSelectivity"/>) on a ResNet-50-sized layer: N = 500 images in
/// 6 categories × U = 800,000 units (float32, 1.6 GB), ReLU-like responses with 5 % planted selective
/// units. Throughput in units per second, and the ratio to the core's raw matmul throughput on the same
/// in-memory data: X·Xᵀ, the Gram product every RDM of the layer needs, in units per second
/// (U / time). A ratio of r means the whole localizer — statistics pass, t-tests, p-values, correction,
/// CSI — handles a layer r times faster than one RDM's matrix product over it. A read-only pass
/// (sum of every value) is timed too: how close the statistics pass comes to memory bandwidth.
/// Peak memory is measured in a child process reading the layer from a .npy file on disk.
/// Arguments: [units] [images] [repetitions] [--no-memory].
/// </summary>
internal static class SelectivityBenchmark
{
    private const int Categories = 6;

    public static int Run(string[] args)
    {
        var numbers = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        int units = numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 800_000;
        int n = numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 500;
        int reps = numbers.Length > 2 ? int.Parse(numbers[2], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"selectivity: N = {n} images in {Categories} categories, U = {units} units (float32, {Machine.MiB(4L * n * units)}); {Machine.Describe()}");
        var labels = Labels(n);
        var sw = Stopwatch.StartNew();
        var data = Generate(n, units, labels);
        Console.WriteLine($"  generated in {sw.Elapsed.TotalSeconds:F1} s");
        var matrix = new FloatMatrix(n, units, data);
        using var x = from_array(data).view(n, units);
        var exact = new SelectivityOptions();
        var screened = exact with { ExactPValues = false };
        UnitSelectivityResult? last = null;
        var h = new Harness()
            .Add("matmul X·Xᵀ (baseline)", () => { using var g = x.mm(x.t()); })
            .Add("read-only pass (sum)", () => { using var s = x.sum(); })
            .Add("statistics pass (raw + rectified)", () => UnitGroupStatistics.Compute(matrix, labels, Categories, rectifiedMeans: true))
            .Add("localizer, exact p (CLI)", () => last = UnitSelectivity.Compute(matrix, labels, Categories, exact))
            .Add("localizer, screened p (run)", () => UnitSelectivity.Compute(matrix, labels, Categories, screened))
            .Run(reps);
        h.Print("matmul X·Xᵀ (baseline)");
        const string baseline = "matmul X·Xᵀ (baseline)";
        double matmul = h.Median(baseline), matmulCpu = h.CpuMedian(baseline);
        foreach (var name in new[] { "statistics pass (raw + rectified)", "localizer, exact p (CLI)", "localizer, screened p (run)" })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} {units / h.Median(name) / 1e6,6:F2} M units/s wall, {units / h.CpuMedian(name) / 1e6,6:F2} per CPU-s " +
                $"(matmul {units / matmul / 1e6:F2}, {units / matmulCpu / 1e6:F2}); ratio wall {matmul / h.Median(name):F2}, cpu {matmulCpu / h.CpuMedian(name):F2}"));
        double readGbs = 4.0 * n * units / h.Median("read-only pass (sum)") / 1e9;
        double statsGbs = 4.0 * n * units / h.Median("statistics pass (raw + rectified)") / 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  read-only pass {readGbs:F1} GB/s; statistics pass {statsGbs:F1} GB/s of float32 input ({statsGbs / readGbs:P0} of the read-only pass); " +
            $"matmul {2.0 * n * n * units / matmul / 1e9:F0} GFLOP/s wall, {2.0 * n * n * units / matmulCpu / 1e9:F0} per CPU-s"));
        Console.WriteLine($"  selective units: {string.Join(", ", last!.Groups.Select(g => g.Selective))} of {units} per category; {last.ConstantUnits} constant");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT selectivity ratio (screened) wall {matmul / h.Median("localizer, screened p (run)"):F2}, cpu {matmulCpu / h.CpuMedian("localizer, screened p (run)"):F2}; " +
            $"exact p: wall {matmul / h.Median("localizer, exact p (CLI)"):F2}, cpu {matmulCpu / h.CpuMedian("localizer, exact p (CLI)"):F2}"));
        if (!args.Contains("--no-memory")) Memory(data, n, units);
        return 0;
    }

    /// <summary>Writes the layer to a .npy file and runs the localizer on it in a fresh process that reports its peak RSS.</summary>
    private static void Memory(float[] data, int n, int units)
    {
        string path = Path.Combine(Path.GetTempPath(), $"replens-selectivity-benchmark-{Environment.ProcessId}.npy");
        try
        {
            using (var writer = new NpyRowWriter(path, n, units))
            {
                for (int r = 0; r < n; r++) writer.AppendRow(data.AsSpan(r * units, units));
                writer.Commit();
            }
            // Run the same entry point: the apphost, or `dotnet RepLens.Benchmarks.dll` when started that way.
            var self = typeof(SelectivityBenchmark).Assembly.Location;
            bool viaDotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet";
            var psi = new ProcessStartInfo(Environment.ProcessPath!, viaDotnet ? [self, "selectivity-child", path] : ["selectivity-child", path])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var child = Process.Start(psi)!;
            string output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            Console.WriteLine($"  from disk ({Machine.MiB(new FileInfo(path).Length)} .npy): {output.Trim()}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>In a fresh process: the localizer on a .npy file (positioned reads), then the peak RSS.</summary>
    public static int Child(string[] args)
    {
        using (var warm = ones(10, 10)) warm.mm(warm).Dispose();
        var (_, before) = Machine.ResidentSet();
        var sw = Stopwatch.StartNew();
        using var m = NpyMatrix.Open(args[0]);
        var result = UnitSelectivity.Compute(m, Labels(m.Rows), Categories, new SelectivityOptions { ExactPValues = false });
        double seconds = sw.Elapsed.TotalSeconds;
        var (peak, _) = Machine.ResidentSet();
        long perUnit = (long)m.Columns * (Categories * 3 * sizeof(double) + 3 * sizeof(double) + 2 * sizeof(int));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS {Machine.MiB(peak)} (before: {Machine.MiB(before)}; growth {Machine.MiB(peak - before)}: per-unit results {Machine.MiB(perUnit)} + 2 block buffers ≤ {Machine.MiB(2 * UnitGroupStatistics.MaxBlockBufferBytes)}); " +
            $"{seconds:F1} s, {m.Columns / seconds / 1e6:F2} M units/s; {result.Groups.Sum(g => g.Selective)} selective"));
        return 0;
    }

    private static int[] Labels(int n) => Enumerable.Range(0, n).Select(i => i * Categories / n).ToArray();

    /// <summary>ReLU-like responses: max(0, noise) with 5 % of units planted selective for one category.</summary>
    private static float[] Generate(int n, int units, int[] labels)
    {
        var data = GC.AllocateUninitializedArray<float>(n * units);
        Parallel.For(0, n, r =>
        {
            ulong state = 0x9E3779B97F4A7C15UL * (ulong)(r + 1);
            var row = data.AsSpan(r * units, units);
            for (int u = 0; u < units; u++)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                float noise = ((state >> 40) * (1f / (1 << 24)) - 0.5f) * 2f; // uniform in [−1, 1)
                float v = noise + (u % 20 == 0 && labels[r] == u / 20 % Categories ? 1.5f : 0f);
                row[u] = Math.Max(0f, v);
            }
        });
        return data;
    }
}
