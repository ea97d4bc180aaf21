using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;

namespace RepLens.Benchmarks;

/// <summary>
/// <c>replens distractors</c> (the built host as a subprocess, fresh <c>--out</c> each time) against the bare
/// saliency-map computation it is dominated by: <see cref="IImageMapTarget.ComputeVector"/> of the built-in
/// Itti–Koch target on decoded images in memory, one image per core, as many maps as the build computed. Same
/// run, interleaved, medians. Inputs: synthetic 640 × 480 JPEG targets and pool (COCO-sized; the saliency
/// benchmark's scenes), 2-D caption embeddings with the targets at angle 0 and the pool spread over similar
/// (10–30°) and dissimilar (110–180°) angles, saliency thresholds as quantiles (q0.3, q0.7) because the
/// paper's absolute values belong to its images. Needs the host built in Release.
/// <code>
/// dotnet run -c Release --project tools/Benchmarks -- distractors [--targets 24] [--pool 24] [--repeats 3] [--work DIR]
/// </code>
/// </summary>
internal static partial class DistractorBenchmark
{
    public static int Run(string[] args)
    {
        int targets = 24, poolSize = 24, repeats = 3;
        string? work = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--targets": targets = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--pool": poolSize = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work": work = args[++i]; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        var host = Repository.HostDll;
        if (!File.Exists(host)) throw new FileNotFoundException($"Build the host in Release first (dotnet build -c Release src/Host): {host} is missing.");
        work ??= Path.Combine(Path.GetTempPath(), "replens-distractors-bench");
        var inputs = WriteInputs(work, targets, poolSize);
        var decoded = inputs.TargetPaths.Select(ImageDecoder.Decode).ToArray();
        var saliency = (IImageMapTarget)new IttiKochTarget().Open(new TargetRequest("bench", PluginOptions.Empty));
        int dop = Environment.ProcessorCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = dop };
        Console.WriteLine($"{targets} targets, {poolSize} pool images, 640×480 JPEG; {dop} cores (load {Machine.LoadAverage()}); medians of {repeats} after one warm-up");

        var build = new List<(double Wall, double Cpu, int Maps, int Kept, double Share)>();
        var direct = new List<(double Wall, double Cpu)>();
        var process = Process.GetCurrentProcess();
        for (int r = -1; r < repeats; r++)
        {
            var b = Build(host, inputs, Path.Combine(work, "out"));
            GC.Collect();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            Parallel.For(0, b.Maps, po, i => saliency.ComputeVector(decoded[i % decoded.Length]));
            var d = (sw.Elapsed.TotalSeconds, 0.0);
            process.Refresh();
            d.Item2 = (process.TotalProcessorTime - cpu0).TotalSeconds;
            if (r < 0) continue;
            build.Add(b);
            direct.Add(d);
        }

        double M(IEnumerable<double> v) => Harness.MedianOf(v);
        double maps = M(build.Select(b => (double)b.Maps)), kept = M(build.Select(b => (double)b.Kept));
        double buildWall = M(build.Select(b => b.Wall)), buildCpu = M(build.Select(b => b.Cpu));
        double directWall = M(direct.Select(d => d.Wall)), directCpu = M(direct.Select(d => d.Cpu));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"  replens distractors:   {kept} of {targets} targets kept ({4 * kept} edited images), {maps} saliency maps ({maps / targets:F1} per target)"));
        Console.WriteLine(string.Create(inv, $"    wall {buildWall:F2} s, CPU {buildCpu:F2} s: {4 * kept / buildWall:F2} edited images/s, {maps / buildWall:F1} maps/s  [{string.Join(" ", build.Select(b => b.Wall.ToString("F2", inv)))}]"));
        Console.WriteLine(string.Create(inv, $"  bare ComputeVector:    same {maps} maps: wall {directWall:F2} s, CPU {directCpu:F2} s, {maps / directWall:F1} maps/s  [{string.Join(" ", direct.Select(d => d.Wall.ToString("F2", inv)))}]"));
        Console.WriteLine(string.Create(inv, $"  saliency share of the build: {directWall / buildWall:P0} of wall, {directCpu / buildCpu:P0} of CPU (bare maps ÷ build); builder's own report: {M(build.Select(b => b.Share)):P0} of worker time"));
        // The calibration edits (for the quantile thresholds) are a fixed cost; the rest grows with the targets.
        double perTarget = (maps - Calibration) / targets, rate = maps / buildWall;
        const double worst = 2 * 100 + 1;
        Console.WriteLine(string.Create(inv,
            $"  1,000 targets × 4 conditions: {Calibration} + 1,000 × {perTarget:F1} = {Calibration + 1000 * perTarget:F0} maps at {rate:F1} maps/s ≈ {(Calibration + 1000 * perTarget) / rate / 3600:F2} h wall on {dop} cores; " +
            $"worst case (every target spends --tries 100 in both semantic groups: {worst:F0} maps/target) ≈ {(Calibration + 1000 * worst) / rate / 3600:F2} h"));
        return 0;
    }

    private const int Calibration = 500;

    private sealed record Inputs(string Stimuli, string Pool, string Embeddings, string Ids, List<string> TargetPaths);

    private static Inputs WriteInputs(string work, int targets, int poolSize)
    {
        var targetPaths = SaliencyBenchmark.WriteImages(Path.Combine(work, "targets"), targets);
        var poolPaths = SaliencyBenchmark.WriteImages(Path.Combine(work, "pool"), poolSize, firstSeed: 10_000);
        var stimuli = Path.Combine(work, "targets.csv");
        var pool = Path.Combine(work, "pool.csv");
        File.WriteAllLines(stimuli, ["id,path", .. targetPaths.Select(p => $"t-{Path.GetFileNameWithoutExtension(p)},{p}")]);
        File.WriteAllLines(pool, ["id,path", .. poolPaths.Select(p => $"p-{Path.GetFileNameWithoutExtension(p)},{p}")]);
        var ids = targetPaths.Select(p => $"t-{Path.GetFileNameWithoutExtension(p)}").Concat(poolPaths.Select(p => $"p-{Path.GetFileNameWithoutExtension(p)}")).ToList();
        var e = new float[ids.Count * 2];
        for (int k = 0; k < ids.Count; k++)
        {
            int p = k - targets;
            double degrees = p < 0 ? 0 : p % 2 == 0 ? 10 + 20.0 * p / poolSize : 110 + 70.0 * p / poolSize;
            e[2 * k] = (float)Math.Cos(degrees * Math.PI / 180);
            e[2 * k + 1] = (float)Math.Sin(degrees * Math.PI / 180);
        }
        var embeddings = Path.Combine(work, "E.npy");
        var idsFile = Path.Combine(work, "ids.txt");
        Npy.Write(embeddings, e, new long[] { ids.Count, 2 });
        File.WriteAllLines(idsFile, ids);
        return new Inputs(stimuli, pool, embeddings, idsFile, targetPaths);
    }

    /// <summary>One fresh build; wall from here, CPU from bash's <c>time</c>, counts and the saliency share from its summary.</summary>
    private static (double Wall, double Cpu, int Maps, int Kept, double Share) Build(string host, Inputs inputs, string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, true);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("TIMEFORMAT='cpu %3U %3S'; time dotnet \"$0\" distractors --stimuli \"$1\" --pool \"$2\" --embeddings \"$3\" --ids \"$4\" --out \"$5\" --salient q0.7 --non-salient q0.3 --calibration 500 --quiet");
        foreach (var a in new[] { host, inputs.Stimuli, inputs.Pool, inputs.Embeddings, inputs.Ids, output }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var wall = sw.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"replens distractors failed ({p.ExitCode}): {stdout.Result}{stderr}");
        var cpuLine = stderr.Split('\n').Last(l => l.StartsWith("cpu ", StringComparison.Ordinal)).Split(' ');
        double cpu = double.Parse(cpuLine[1], CultureInfo.InvariantCulture) + double.Parse(cpuLine[2], CultureInfo.InvariantCulture);
        var kept = KeptLine().Match(stdout.Result);
        var maps = MapsLine().Match(stdout.Result);
        if (!kept.Success || !maps.Success) throw new InvalidOperationException($"Unexpected summary: {stdout.Result}");
        return (wall, cpu, int.Parse(maps.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(kept.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(maps.Groups[2].Value, CultureInfo.InvariantCulture) / 100);
    }

    [GeneratedRegex(@"(\d+) of \d+ targets kept")]
    private static partial Regex KeptLine();

    [GeneratedRegex(@"Computed (\d+) saliency maps.*saliency (\d+)% of the workers' time")]
    private static partial Regex MapsLine();
}
