using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RepLens.Benchmarks;

/// <summary>
/// Scale-out: whole <c>replens</c> processes (the Release build of src/Host), timed by wall clock and by
/// the CPU time of the child processes (getrusage RUSAGE_CHILDREN), cases interleaved.
/// <list type="bullet">
/// <item><c>scaleout quickstart [reps]</c>: the quick-start config cold, rerun from the cache, and as 4 shards
/// (2 at a time: the machine's 2 cores) + merge.</item>
/// <item><c>scaleout merge [layers] [images] [reps]</c>: a synthetic 50-layer CNN over N = 1,000 images
/// (tools/Benchmarks/scaleout_data.py): merge time of 4 shards split by layer group and split over
/// stimuli, against the unsharded run and its rerun from the cache (the analyses alone).</item>
/// </list>
/// </summary>
internal static class ScaleOutBenchmark
{
    public static int Run(string[] args)
    {
        var what = args.Length > 0 ? args[0] : "quickstart";
        return what switch
        {
            "quickstart" => Quickstart(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3),
            "merge" => Merge(Arg(args, 1, 50), Arg(args, 2, 1000), Arg(args, 3, 3)),
            _ => throw new ArgumentException("scaleout quickstart [reps] | scaleout merge [layers] [images] [reps]"),
        };
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    private static string Root => Repository.Root;

    private static string HostDll => Repository.HostDll;

    private static int Quickstart(int reps)
    {
        if (reps < 1) throw new ArgumentException("scaleout quickstart needs at least 1 repetition (after the warm-up).");
        var dir = Directory.CreateTempSubdirectory("replens-scaleout-").FullName;
        Console.WriteLine($"scaleout quickstart: examples/quickstart/config-tiny.json (random-weight ResNet-18-shaped CNN, 48 images, two targets, 1000 permutations, 200 bootstrap); {Machine.Describe()}");
        var q = Path.Combine(Root, "examples", "quickstart");
        string Config(string name)
        {
            var text = File.ReadAllText(Path.Combine(q, "config-tiny.json"));
            var json = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
            json["stimuli"] = Path.Combine(q, "stimuli.csv");
            json["output"] = Path.Combine(dir, name);
            json["models"]![0]!["onnx"] = Path.Combine(q, "models", "tiny_cnn.onnx");
            var path = Path.Combine(dir, name + ".json");
            File.WriteAllText(path, json.ToJsonString());
            return path;
        }
        var cold = Config("cold");
        var sharded = Config("sharded");
        var results = new Dictionary<string, List<(double Wall, double Cpu)>>
            { ["cold"] = [], ["rerun"] = [], ["4 shards + merge"] = [], ["  of which merge"] = [], ["process floor (replens plan)"] = [] };
        for (int r = 0; r <= reps; r++)
        {
            Delete(Path.Combine(dir, "cold"));
            var c = Time(() => Replens("run", cold, "-q"));
            var h = Time(() => Replens("run", cold, "-q"));
            Delete(Path.Combine(dir, "sharded"));
            (double, double) m = default;
            var s = Time(() =>
            {
                Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => Replens("run", sharded, "--shard", $"{i}/4", "-q"));
                m = Time(() => Replens("merge", Path.Combine(dir, "sharded"), "-q"));
            });
            var floor = Time(() => Replens("plan", sharded, "--shards", "4", "-q"));
            if (r == 0) continue; // warm-up
            results["process floor (replens plan)"].Add(floor);
            results["cold"].Add(c);
            results["rerun"].Add(h);
            results["4 shards + merge"].Add(s);
            results["  of which merge"].Add(m);
            Check(Path.Combine(dir, "cold"), Path.Combine(dir, "sharded"));
        }
        Print(results, "cold");
        Console.WriteLine($"  plan: {Replens("plan", sharded, "--shards", "4", "-q").Split('\n')[0]}");
        Delete(dir);
        return 0;
    }

    private static int Merge(int layers, int images, int reps)
    {
        var dir = Directory.CreateTempSubdirectory("replens-scaleout-merge-").FullName;
        var data = Path.Combine(dir, "data");
        Run(Repository.Python, [Path.Combine(Root, "tools", "Benchmarks", "scaleout_data.py"), data, layers.ToString(CultureInfo.InvariantCulture), images.ToString(CultureInfo.InvariantCulture)]);
        string Config(string name) => Write(Path.Combine(dir, name + ".json"), $$"""
            { "name": "{{name}}", "stimuli": {{JsonSerializer.Serialize(Path.Combine(data, "stimuli.csv"))}}, "output": {{JsonSerializer.Serialize(Path.Combine(dir, name))}}, "seed": 1,
              "models": [ { "name": "net", "family": "resnet", "onnx": {{JsonSerializer.Serialize(Path.Combine(data, "model.onnx"))}}, "layers": [ "op:Relu" ] } ],
              "targets": [ { "name": "category", "kind": "category" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 1000, "bootstrap": 0 } ] }
            """);
        var single = Config("single");
        var byLayer = Config("bylayer");
        var byRows = Config("byrows");
        Console.WriteLine($"scaleout merge: {layers} ReLU layers × 1,024 features, N = {images} images, target-rsa 1000 permutations; {Machine.Describe()}");
        var unsharded = Time(() => Replens("run", single, "-q"));
        foreach (var (config, split) in new[] { (byLayer, "1"), (byRows, "4") })
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => Replens("run", config, "--shard", $"{i}/4", "--split-stimuli", split, "-q"));
        var pristine = new[] { byLayer, byRows }.ToDictionary(c => c, c => Copy(Path.Combine(dir, Path.GetFileNameWithoutExtension(c))));
        var results = new Dictionary<string, List<(double Wall, double Cpu)>>
            { ["rerun from cache (analyses only)"] = [], ["merge, split by layer group"] = [], ["merge, split over stimuli (4 blocks)"] = [] };
        for (int r = 0; r <= reps; r++)
        {
            var floor = Time(() => Replens("run", single, "-q"));
            var merges = new List<(double, double)>();
            foreach (var config in new[] { byLayer, byRows })
            {
                var run = Path.Combine(dir, Path.GetFileNameWithoutExtension(config));
                Delete(run);
                CopyDirectory(pristine[config], run);
                merges.Add(Time(() => Replens("merge", run, "-q")));
                Check(Path.Combine(dir, "single"), run);
            }
            if (r == 0) continue;
            results["rerun from cache (analyses only)"].Add(floor);
            results["merge, split by layer group"].Add(merges[0]);
            results["merge, split over stimuli (4 blocks)"].Add(merges[1]);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unsharded cold run (once): wall {unsharded.Wall:F2} s, CPU {unsharded.Cpu:F2} s"));
        Print(results, "rerun from cache (analyses only)");
        Delete(dir);
        return 0;
    }

    private static void Print(Dictionary<string, List<(double Wall, double Cpu)>> results, string baseline)
    {
        double bw = Harness.MedianOf(results[baseline].Select(x => x.Wall)), bc = Harness.MedianOf(results[baseline].Select(x => x.Cpu));
        Console.WriteLine($"  {"case",-38} {"wall med",9} {"cpu med",9}  {"wall/base",9} {"cpu/base",9}   wall times; load {Machine.LoadAverage()}");
        foreach (var (name, v) in results)
        {
            double w = Harness.MedianOf(v.Select(x => x.Wall)), c = Harness.MedianOf(v.Select(x => x.Cpu));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-38} {w,8:F2}s {c,8:F2}s  {w / bw,9:F3} {c / bc,9:F3}   [{string.Join(" ", v.Select(x => x.Wall.ToString("F2", CultureInfo.InvariantCulture)))}]"));
        }
    }

    /// <summary>The tables and RDMs of two run folders must be identical (the benchmark checks what it times).</summary>
    private static void Check(string a, string b)
    {
        foreach (var sub in new[] { "tables", "rdms" })
            foreach (var f in Directory.EnumerateFiles(Path.Combine(a, sub), "*", SearchOption.AllDirectories))
            {
                var other = Path.Combine(b, Path.GetRelativePath(a, f));
                if (!File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(other)))
                    throw new InvalidOperationException($"{other} differs from {f}");
            }
    }

    private static string Replens(params string[] args) => Run("dotnet", [HostDll, .. args]);

    private static string Run(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Wall time and the CPU time of the child processes that finished meanwhile.</summary>
    private static (double Wall, double Cpu) Time(Action action)
    {
        var cpu0 = ChildrenCpu();
        var sw = Stopwatch.StartNew();
        action();
        return (sw.Elapsed.TotalSeconds, ChildrenCpu() - cpu0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    private static double ChildrenCpu()
    {
        if (getrusage(-1 /* RUSAGE_CHILDREN */, out var u) != 0) return double.NaN;
        return u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6;
    }

    private static string Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    private static string Copy(string folder)
    {
        var copy = folder + ".pristine";
        CopyDirectory(folder, copy);
        return copy;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var d in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            File.Copy(f, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(f));
        }
    }

    private static void Delete(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
