using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using SkiaSharp;

namespace RepLens.Benchmarks;

/// <summary>
/// <c>replens saliency</c> (the built host, run as a subprocess the way users run it) against calling
/// <see cref="IttiKochSaliency"/> directly on the same images already decoded in memory, with the same
/// parallelism (one image per core). In between, the pieces of the command done in process: decoding,
/// then the overlay PNG and the two atomic file writes. Images: synthetic 640 × 480 JPEGs (colour blobs
/// and bars, COCO-sized). Needs the host built in Release (<c>dotnet build -c Release src/Host</c>).
/// <code>
/// dotnet run -c Release --project tools/Benchmarks -- saliency [--images 48] [--repeats 3] [--work DIR]
/// </code>
/// </summary>
internal static class SaliencyBenchmark
{
    public static int Run(string[] args)
    {
        int count = 48, repeats = 3;
        string? work = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--images": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work": work = args[++i]; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        var root = Repository.Root;
        var host = Path.Combine(root, "src", "Host", "bin", "Release", "net10.0", "replens.dll");
        if (!File.Exists(host)) throw new FileNotFoundException($"Build the host in Release first (dotnet build -c Release src/Host): {host} is missing.");
        work ??= Path.Combine(Path.GetTempPath(), "replens-saliency-bench");
        var folder = Path.Combine(work, "images");
        var paths = WriteImages(folder, count);
        var decoded = paths.Select(ImageDecoder.Decode).ToArray();
        var model = new IttiKochSaliency();
        int dop = Environment.ProcessorCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = dop };
        Console.WriteLine($"{count} images 640×480 JPEG, {dop} cores ({Machine.LoadAverage()} load); medians of {repeats} repetitions after one warm-up");

        var cases = new List<(string Name, Func<double?> Run)>
        {
            ("IttiKochSaliency.Compute on decoded images", () => { Parallel.For(0, count, po, i => model.Compute(decoded[i])); return null; }),
            ("decode + Compute", () => { Parallel.For(0, count, po, i => model.Compute(ImageDecoder.Decode(paths[i]))); return null; }),
            ("decode + Compute + overlay PNG + .npy (in process)", () =>
            {
                var outDir = Fresh(Path.Combine(work, "inproc"));
                Parallel.For(0, count, po, i =>
                {
                    var image = ImageDecoder.Decode(paths[i]);
                    var map = model.Compute(image).ToMatrix();
                    var id = Path.GetFileNameWithoutExtension(paths[i]);
                    AtomicFile.WriteAllBytes(Path.Combine(outDir, id + ".png"), PngEncoder.Encode(HeatmapOverlay.Blend(image, map)));
                    Npy.Write(Path.Combine(outDir, id + ".npy"), map.Data, new long[] { map.Rows, map.Columns });
                });
                return null;
            }),
            ("replens saliency (subprocess, fresh --out)", () => Host(host, folder, Fresh(Path.Combine(work, "cli")))),
            ("replens saliency rerun (all maps there)", () => Host(host, folder, Path.Combine(work, "cli"))),
        };

        var wall = cases.Select(_ => new List<double>()).ToArray();
        var cpu = cases.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        for (int r = -1; r < repeats; r++)
        {
            for (int k = 0; k < cases.Count; k++)
            {
                int c = (k + Math.Max(r, 0)) % cases.Count;
                if (c == cases.Count - 1 && !Directory.Exists(Path.Combine(work, "cli"))) Host(host, folder, Fresh(Path.Combine(work, "cli")));
                GC.Collect();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                var childCpu = cases[c].Run();
                var seconds = sw.Elapsed.TotalSeconds;
                process.Refresh();
                if (r < 0) continue;
                wall[c].Add(seconds);
                cpu[c].Add(childCpu ?? (process.TotalProcessorTime - cpu0).TotalSeconds);
            }
        }

        double W(int k) => Harness.MedianOf(wall[k]);
        double C(int k) => Harness.MedianOf(cpu[k]);
        Console.WriteLine($"  {"case",-52} {"wall",8} {"CPU",8} {"maps/s",8}  {"ratio wall",10} {"ratio CPU",10}  (ratio = maps/s ÷ direct maps/s)");
        for (int k = 0; k < cases.Count; k++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {cases[k].Name,-52} {W(k),7:F2}s {C(k),7:F2}s {count / W(k),8:F2}  {W(0) / W(k),10:F3} {C(0) / C(k),10:F3}  [{string.Join(" ", wall[k].Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}]"));
        return 0;
    }

    /// <summary>Runs the host; returns its CPU time (user + system, from bash's <c>time</c>).</summary>
    private static double Host(string host, string images, string output)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("TIMEFORMAT='cpu %3U %3S'; time dotnet \"$0\" saliency --images \"$1\" --out \"$2\" --quiet");
        psi.ArgumentList.Add(host);
        psi.ArgumentList.Add(images);
        psi.ArgumentList.Add(output);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"replens saliency failed ({p.ExitCode}): {stdout.Result}{stderr}");
        var line = stderr.Split('\n').Last(l => l.StartsWith("cpu ", StringComparison.Ordinal)).Split(' ');
        return double.Parse(line[1], CultureInfo.InvariantCulture) + double.Parse(line[2], CultureInfo.InvariantCulture);
    }

    private static string Fresh(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Seeded synthetic scenes: a grey-brown background, soft colour blobs and a few bright bars.</summary>
    internal static List<string> WriteImages(string folder, int count, int firstSeed = 0)
    {
        Directory.CreateDirectory(folder);
        const int w = 640, h = 480;
        var paths = new List<string>();
        for (int n = 0; n < count; n++)
        {
            var path = Path.Combine(folder, $"img{firstSeed + n:D4}.jpg");
            paths.Add(path);
            if (File.Exists(path)) continue;
            var rng = new Random(firstSeed + n);
            var rgb = new float[w * h * 3];
            for (int i = 0; i < w * h; i++) { rgb[3 * i] = 0.45f; rgb[3 * i + 1] = 0.40f; rgb[3 * i + 2] = 0.35f; }
            for (int b = 0; b < 12; b++)
            {
                double cx = rng.NextDouble() * w, cy = rng.NextDouble() * h, s = 10 + rng.NextDouble() * 60;
                float cr = rng.NextSingle(), cg = rng.NextSingle(), cb = rng.NextSingle();
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        float a = (float)Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
                        if (a < 1e-3f) continue;
                        int i = 3 * (y * w + x);
                        rgb[i] = rgb[i] * (1 - a) + cr * a;
                        rgb[i + 1] = rgb[i + 1] * (1 - a) + cg * a;
                        rgb[i + 2] = rgb[i + 2] * (1 - a) + cb * a;
                    }
            }
            for (int b = 0; b < 5; b++)
            {
                int x0 = rng.Next(w - 60), y0 = rng.Next(h - 60);
                bool vertical = rng.Next(2) == 0;
                for (int y = y0; y < y0 + (vertical ? 50 : 6); y++)
                    for (int x = x0; x < x0 + (vertical ? 6 : 50); x++) { int i = 3 * (y * w + x); rgb[i] = rgb[i + 1] = rgb[i + 2] = 0.95f; }
            }
            var rgba = new byte[w * h * 4];
            for (int i = 0; i < w * h; i++)
            {
                for (int c = 0; c < 3; c++) rgba[4 * i + c] = (byte)Math.Clamp(MathF.Round(rgb[3 * i + c] * 255f), 0f, 255f);
                rgba[4 * i + 3] = 255;
            }
            var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
            var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
            try
            {
                using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
                using var data = pixmap.Encode(SKEncodedImageFormat.Jpeg, 90);
                File.WriteAllBytes(path, data.ToArray());
            }
            finally
            {
                handle.Free();
            }
        }
        return paths;
    }

}
