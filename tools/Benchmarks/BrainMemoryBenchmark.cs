using System.Diagnostics;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Plugins.Brain.Algonauts;
using RepLens.Plugins.Brain.Nsd;

namespace RepLens.Benchmarks;

/// <summary>
/// Peak working set and time of the brain loaders at realistic sizes (8 subjects; Algonauts 20k vertices ×
/// 1000 images; NSD 8 sessions × 750 trials of volume betas, contiguous or trial-chunked HDF5, with and
/// without the per-subject cache and memory mapping). Make the data (≈4 GB) first, delete it afterwards:
/// <code>
/// /usr/bin/python3 tools/fixtures/make_brain_fixtures.py --measurement-data DIR
/// dotnet run -c Release --project tools/Benchmarks -- brain-memory DIR [algonauts|nsd-contiguous|nsd-trialchunks]
/// </code>
/// Run one variant per process for a working set that is the loader's alone.
/// </summary>
internal static class BrainMemoryBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length == 0) throw new ArgumentException("brain-memory DIR [algonauts|nsd-contiguous|nsd-trialchunks]: DIR from make_brain_fixtures.py --measurement-data");
        var data = args[0];
        var only = args.Length > 1 ? args[1] : null;
        if (only is null or "algonauts")
        {
            var root = Path.Combine(data, "algonauts");
            Measure("algonauts", () => AlgonautsDataset.Open(root, Options("{}")), (ds, s, roi) => ds.Load(s, roi, null));
            Measure("algonauts, per hemisphere", () => AlgonautsDataset.Open(root, Options("{}")),
                (ds, s, roi) => { ds.Load(s, roi, Hemisphere.Left); return ds.Load(s, roi, Hemisphere.Right); });
        }
        foreach (var variant in new[] { "nsd-contiguous", "nsd-trialchunks" }.Where(v => only is null || only == v))
            foreach (var cache in new[] { "subject", "none" })
                foreach (var mapped in new[] { true, false })
                {
                    var root = Path.Combine(data, variant);
                    Measure($"{variant}, cache {cache}, memoryMapped {mapped}",
                        () => NsdBetasDataset.Open(root, Options($"{{\"scale\": 300, \"cache\": \"{cache}\", \"memoryMapped\": {(mapped ? "true" : "false")}}}")),
                        (ds, s, roi) => ds.Load(s, roi, null));
                }
        return 0;
    }

    private static PluginOptions Options(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return new PluginOptions(doc.RootElement.Clone(), "$.brain.options", Environment.CurrentDirectory);
    }

    private static void Measure<T>(string what, Func<T> open, Func<T, string, string, BrainResponses?> load) where T : IBrainDataset
    {
        GC.Collect();
        var proc = Process.GetCurrentProcess();
        proc.Refresh();
        long before = proc.WorkingSet64;
        var sw = Stopwatch.StartNew();
        using var sampler = new PeakSampler();
        using var ds = open();
        var opened = sw.Elapsed;
        long loads = 0, values = 0, largest = 0;
        foreach (var s in ds.Subjects)
            foreach (var roi in ds.Rois)
            {
                var r = load(ds, s, roi);
                if (r is null) continue;
                loads++;
                values += r.Responses.Data.LongLength;
                largest = Math.Max(largest, r.Responses.Data.LongLength * 4);
            }
        var elapsed = sw.Elapsed;
        sampler.Stop();
        Console.WriteLine($"{what}: opened in {opened.TotalSeconds:F2} s; {loads} loads ({ds.Subjects.Count} subjects × {ds.Rois.Count} ROIs) " +
                          $"in {(elapsed - opened).TotalSeconds:F1} s; {values * 4 / 1e6:F0} MB of responses returned, largest {largest / 1e6:F1} MB; " +
                          $"working set {before / 1e6:F0} MB before, peak {sampler.Peak / 1e6:F0} MB while loading (+{(sampler.Peak - before) / 1e6:F0} MB)");
    }

    /// <summary>Samples the process's working set every few milliseconds and keeps the maximum.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public PeakSampler()
        {
            _thread = new Thread(() =>
            {
                var p = Process.GetCurrentProcess();
                while (!_stop)
                {
                    p.Refresh();
                    Peak = Math.Max(Peak, p.WorkingSet64);
                    Thread.Sleep(5);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Peak { get; private set; }

        public void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        public void Dispose() => Stop();
    }
}
