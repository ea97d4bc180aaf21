using System.Diagnostics;
using RepLens.Abstractions;
using RepLens.Plugins.Brain.Algonauts;
using RepLens.Plugins.Brain.Nsd;
using Xunit;
using Xunit.Abstractions;

namespace RepLens.Brain.Tests;

/// <summary>
/// One-off measurements at realistic sizes, not timed tests. Make the data (≈4 GB) with
/// <c>python3 tools/fixtures/make_brain_fixtures.py --measurement-data DIR</c>, run these with
/// REPLENS_BRAIN_MEASURE_DATA=DIR in a fresh test process (so the working set is the loader's alone),
/// read the printed numbers, delete DIR.
/// </summary>
public sealed class MemoryMeasurement(ITestOutputHelper output)
{
    private static string? Data => Environment.GetEnvironmentVariable("REPLENS_BRAIN_MEASURE_DATA");

    [SkippableFact]
    public void Algonauts_8Subjects20kVertices1000Images_PeakMemory()
    {
        Skip.If(Data is null, "Set REPLENS_BRAIN_MEASURE_DATA to a folder made by make_brain_fixtures.py --measurement-data.");
        var root = Path.Combine(Data!, "algonauts");
        Measure("algonauts", () => AlgonautsDataset.Open(root, Options.None), (ds, s, roi) => ds.Load(s, roi, null));
        Measure("algonauts, per hemisphere", () => AlgonautsDataset.Open(root, Options.None),
            (ds, s, roi) => { ds.Load(s, roi, Hemisphere.Left); return ds.Load(s, roi, Hemisphere.Right); });
    }

    [SkippableTheory]
    [InlineData("nsd-contiguous", "subject", true)]
    [InlineData("nsd-contiguous", "none", true)]
    [InlineData("nsd-trialchunks", "subject", true)]
    [InlineData("nsd-trialchunks", "none", true)]
    [InlineData("nsd-contiguous", "subject", false)]
    [InlineData("nsd-contiguous", "none", false)]
    [InlineData("nsd-trialchunks", "subject", false)]
    [InlineData("nsd-trialchunks", "none", false)]
    public void Nsd_8Sessions750TrialsVolume_PeakMemory(string variant, string cache, bool mapped)
    {
        Skip.If(Data is null, "Set REPLENS_BRAIN_MEASURE_DATA to a folder made by make_brain_fixtures.py --measurement-data.");
        var root = Path.Combine(Data!, variant);
        Measure($"{variant}, cache {cache}, memoryMapped {mapped}",
            () => NsdBetasDataset.Open(root, Options.Of($"{{'scale': 300, 'cache': '{cache}', 'memoryMapped': {(mapped ? "true" : "false")}}}")),
            (ds, s, roi) => ds.Load(s, roi, null));
    }

    private void Measure<T>(string what, Func<T> open, Func<T, string, string, BrainResponses?> load) where T : IBrainDataset
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
        output.WriteLine($"{what}: opened in {opened.TotalSeconds:F2} s; {loads} loads ({ds.Subjects.Count} subjects × {ds.Rois.Count} ROIs) " +
                         $"in {(elapsed - opened).TotalSeconds:F1} s; {values * 4 / 1e6:F0} MB of responses returned, largest {largest / 1e6:F1} MB; " +
                         $"working set {before / 1e6:F0} MB before, peak {sampler.Peak / 1e6:F0} MB while loading (+{(sampler.Peak - before) / 1e6:F0} MB)");
    }
}

/// <summary>Samples the process's working set every few milliseconds and keeps the maximum.</summary>
internal sealed class PeakSampler : IDisposable
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
