using System.Diagnostics;
using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Benchmarks;

/// <summary>10,000-permutation Spearman test at N = 1000 (goal ≤ 5 s), and its cost per permutation relative to one comparison.</summary>
internal static class PermutationBenchmark
{
    public static int Run(string[] args)
    {
        int n = 1000, k = args.Length > 0 ? int.Parse(args[0]) : 10_000, reps = args.Length > 1 ? int.Parse(args[1]) : 3;
        Console.WriteLine($"permutation: N = {n} ({n * (n - 1) / 2} pairs), Spearman, {k} permutations; {Machine.Describe()}");
        int m = n * (n - 1) / 2;
        var rng = new Random(2);
        var a = new double[m];
        var b = new double[m];
        for (int i = 0; i < m; i++) { a[i] = rng.NextDouble(); b[i] = 0.05 * a[i] + rng.NextDouble(); }
        var ids = Enumerable.Range(0, n).Select(i => $"s{i}").ToArray();
        var ra = new Rdm(ids, a, "a");
        var rb = new Rdm(ids, b, "b");
        PermutationResult? last = null;
        var h = new Harness()
            .Add("one Spearman comparison (baseline)", () => RdmComparer.Compare(ra, rb, ComparisonMethod.Spearman))
            .Add($"{k}-permutation test", () => last = PermutationTest.Run(ra, rb, ComparisonMethod.Spearman, k, 42))
            .Run(reps);
        h.Print("one Spearman comparison (baseline)");
        double perPermutation = h.Median($"{k}-permutation test") / k;
        double one = h.Median("one Spearman comparison (baseline)");
        Console.WriteLine($"  r = {last!.Observed:F5}, p = {last.PValue:G4}");
        Console.WriteLine($"  cost per permutation = {perPermutation * 1e3:F3} ms = {perPermutation / one:F4} of one comparison ({one * 1e3:F0} ms)");
        // The gather kernel alone, one thread: pointer loop against the bounds-checked span loop (bit-identical results).
        var za = PermutationTest.Standardize(a, ComparisonMethod.Spearman);
        var zb = PermutationTest.Square(PermutationTest.Standardize(b, ComparisonMethod.Spearman), n);
        var perms = Enumerable.Range(0, 50).Select(i => new SeededRandom((ulong)i).Permutation(n)).ToArray();
        var kernel = new Harness()
            .Add("span loop, 50 permutations", () => { foreach (var q in perms) PermutationTest.DotScalar(za, zb, q, n); })
            .Add("pointer loop (used), 50 permutations", () => { foreach (var q in perms) PermutationTest.Dot(za, zb, q, n); })
            .Run(5);
        kernel.Print("span loop, 50 permutations");
        // Kendall: the slow path, a few permutations only.
        var sw = Stopwatch.StartNew();
        PermutationTest.Run(ra, rb, ComparisonMethod.KendallTauA, 8, 42);
        Console.WriteLine($"  Kendall tau-a (full recomputation per permutation): {sw.Elapsed.TotalSeconds / 8 * 1e3:F0} ms per permutation → {sw.Elapsed.TotalSeconds / 8 * 10_000 / 60:F0} min for 10,000");
        double cpu = h.CpuMedian($"{k}-permutation test");
        Console.WriteLine($"RESULT permutation {k}: wall {h.Median($"{k}-permutation test"):F2} s, CPU {cpu:F2} s = {cpu / Environment.ProcessorCount:F2} s on {Environment.ProcessorCount} idle cores (goal ≤ 5 s); per permutation {perPermutation / one:F4} × one comparison (CPU: {cpu / k / h.CpuMedian("one Spearman comparison (baseline)"):F4})");
        return 0;
    }
}
