using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Rsa;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Rdms;

namespace RepLens.Benchmarks;

/// <summary>
/// SciPy/NumPy baselines (Debian's /usr/bin/python3) against the RSA core on the same sizes, in one run:
/// pdist(correlation) and spearmanr. The Python side gets its own environment without the
/// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides.
/// </summary>
internal static class PythonBaselines
{
    public static int Run(string[] args)
    {
        int n = 1000, p = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        Console.WriteLine($"python: N = {n}, P = {p}; {Machine.Describe()}");
        string script = Path.Combine(AppContext.BaseDirectory, "baselines.py");
        var psi = new ProcessStartInfo(Repository.Python, [script, n.ToString(CultureInfo.InvariantCulture), p.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        using var py = Process.Start(psi)!;
        string json = py.StandardOutput.ReadToEnd();
        py.WaitForExit();
        if (py.ExitCode != 0) { Console.WriteLine("  python failed"); return 1; }
        var times = JsonSerializer.Deserialize<Dictionary<string, double>>(json)!;

        var data = new float[(long)n * p];
        var rng = new Random(3);
        for (long i = 0; i < data.LongLength; i++) data[i] = (float)rng.NextDouble();
        var matrix = new FloatMatrix(n, p, data);
        var ids = Enumerable.Range(0, n).Select(i => $"s{i}").ToArray();
        var cpu = new RdmOptions { Device = RsaDevice.Cpu };
        int m = n * (n - 1) / 2;
        var a = new double[m];
        var b = new double[m];
        for (int i = 0; i < m; i++) { a[i] = rng.NextDouble(); b[i] = a[i] + rng.NextDouble(); }
        var h = new Harness()
            .Add("RDM correlation float32", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu))
            .Add("RDM correlation float64", () => RdmCalculator.Compute(matrix, ids, DistanceMetric.Correlation, cpu with { Precision = RsaPrecision.Float64 }))
            .Add("Spearman comparison", () => RdmComparer.Compare(a, b, ComparisonMethod.Spearman))
            .Run(3);
        h.Print("RDM correlation float32");
        foreach (var (name, seconds) in times) Console.WriteLine($"  python {name,-44} {seconds,8:F3}s");
        string Ratio(string py, string ours) =>
            $"wall {times[py] / h.Median(ours):F1}×, cpu {times[py + " cpu"] / h.CpuMedian(ours):F1}×";
        Console.WriteLine($"RESULT python: scipy pdist(correlation) / RepLens float64: {Ratio("scipy pdist correlation (float64)", "RDM correlation float64")}; " +
            $"numpy 1-corrcoef (float64) / RepLens float64: {Ratio("numpy 1-corrcoef (float64 BLAS)", "RDM correlation float64")}; " +
            $"numpy 1-corrcoef (float64) / RepLens float32: {Ratio("numpy 1-corrcoef (float64 BLAS)", "RDM correlation float32")}; " +
            $"scipy spearmanr / RepLens Spearman: {Ratio("scipy spearmanr", "Spearman comparison")}");
        return 0;
    }
}
