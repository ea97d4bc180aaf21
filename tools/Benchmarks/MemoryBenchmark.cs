using System.Diagnostics;
using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Rsa;
using RepLens.Rsa.Rdms;
using static TorchSharp.torch;

namespace RepLens.Benchmarks;

/// <summary>
/// Peak resident memory of an RDM over an (N × P) float32 .npy file on disk (N = 1000, P = 2,000,000,
/// ~8 GB) under a memory budget. The file is written by the benchmark and deleted afterwards; each
/// measurement runs in a fresh child process that reports its VmHWM.
/// </summary>
internal static class MemoryBenchmark
{
    private const int N = 1000;

    public static int Run(string[] args)
    {
        long p = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        string dir = args.Length > 1 ? args[1] : Path.GetTempPath();
        bool mmap = args.Contains("--mmap");
        long bytes = N * p * 4 + 128;
        long free = new DriveInfo(Path.GetFullPath(dir)).AvailableFreeSpace;
        Console.WriteLine($"memory: N = {N}, P = {p} float32 = {Machine.MiB(bytes)} in {dir} (free {Machine.MiB(free)}); {Machine.Describe()}");
        if (free < bytes + (4L << 30))
        {
            p = 1_000_000;
            bytes = N * p * 4 + 128;
            Console.WriteLine($"  not enough free disk for that: using P = {p} ({Machine.MiB(bytes)}) instead");
            if (free < bytes + (2L << 30)) { Console.WriteLine("  not enough disk even for that; giving up"); return 1; }
        }
        string path = Path.Combine(dir, $"replens-memory-benchmark-{Environment.ProcessId}.npy");
        try
        {
            var sw = Stopwatch.StartNew();
            Write(path, N, (int)p);
            Console.WriteLine($"  wrote {path} in {sw.Elapsed.TotalSeconds:F1} s");
            var runs = new List<(string, long)> { ("2 GiB budget, positioned reads", 2L << 30), ("64 MiB budget, positioned reads", 64L << 20) };
            if (mmap) runs.Add(("2 GiB budget, memory-mapped", -(2L << 30)));
            foreach (var (label, budget) in runs)
            {
                var psi = new ProcessStartInfo(Environment.ProcessPath!, ["memory-child", path, Math.Abs(budget).ToString(CultureInfo.InvariantCulture), budget < 0 ? "mmap" : "pread"])
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                using var child = Process.Start(psi)!;
                string output = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                Console.WriteLine($"  {label}: {output.Trim()}");
            }
        }
        finally
        {
            File.Delete(path);
            Console.WriteLine($"  deleted {path}");
        }
        return 0;
    }

    /// <summary>In a fresh process: RSS after loading libtorch, then the RDM, then the peak RSS.</summary>
    public static int Child(string[] args)
    {
        string path = args[0];
        long budget = long.Parse(args[1], CultureInfo.InvariantCulture);
        bool mmap = args[2] == "mmap";
        using (var warm = ones(10, 10)) warm.mm(warm).Dispose();
        var (_, baseline) = Machine.ResidentSet();
        var sw = Stopwatch.StartNew();
        using var m = NpyMatrix.Open(path, mmap);
        var ids = Enumerable.Range(0, m.Rows).Select(i => $"s{i}").ToArray();
        var options = new RdmOptions { Device = RsaDevice.Cpu, MemoryBudgetBytes = budget };
        var result = RdmCalculator.Compute(m, ids, DistanceMetric.Correlation, options);
        double seconds = sw.Elapsed.TotalSeconds;
        var (peak, _) = Machine.ResidentSet();
        long result8 = (long)m.Rows * m.Rows * 8;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS {Machine.MiB(peak)} (process with libtorch loaded, before: {Machine.MiB(baseline)}; growth {Machine.MiB(peak - baseline)}); budget {Machine.MiB(budget)} + N×N float64 {Machine.MiB(result8)}; block {result.BlockColumns} columns; {seconds:F1} s; {2.0 * m.Rows * m.Rows * m.Columns / seconds / 1e9:F0} GFLOP/s-equivalent"));
        return 0;
    }

    private static void Write(string path, int rows, int columns)
    {
        using var writer = new NpyRowWriter(path, rows, columns);
        var row = new float[columns];
        uint state = 2463534242;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < row.Length; c++)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                row[c] = (state >> 8) * (1f / (1 << 24)) + r * 1e-3f;
            }
            writer.AppendRow(row);
        }
        writer.Commit();
    }
}
