using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Run;

namespace RepLens.Host.Sharding;

/// <summary>
/// <c>replens run CONFIG --shard I/N</c>: does the work units of shard I into the run's cache (a folder
/// every shard can reach) and writes nothing else to the run folder but <c>shards/plan.json</c> and,
/// when everything is done, its marker <c>shards/I-of-N.json</c>. Statistics are left to the merge.
/// </summary>
internal sealed class ShardRunner(RunExecutor executor, IReadOnlyList<IAnalysisKind> kinds, ILogger<ShardRunner> log)
{
    public ShardMarker Run(RunConfig config, ShardSpec shard, int? splitStimuli, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow.ToString("O");
        using var inputs = executor.Open(config);
        var plan = ShardPlanner.Plan(inputs, kinds, shard.Count, splitStimuli);
        var folder = new ShardFolder(config.OutputDirectory);
        Directory.CreateDirectory(folder.Root);
        var markerPath = folder.MarkerPath(shard.Index, shard.Count);
        // A rerun that fails must not leave the marker of an earlier success standing.
        if (File.Exists(markerPath)) File.Delete(markerPath);
        WritePlan(folder, plan, config, log);

        var cache = new ArtifactCache(config.EffectiveCacheDirectory, new CacheStatistics(), log);
        var abandoned = cache.RemoveAbandonedTemporaries();
        if (abandoned > 0) log.LogInformation("Cache: removed {Count} partial files left by an interrupted run", abandoned);
        using var context = executor.CacheOnlyContext(inputs, cache, ct);
        var units = plan.UnitsOf(shard.Index).ToList();
        log.LogInformation("Shard {Shard}: {Count} of {Total} work units (plan {Plan})", shard, units.Count, plan.Units.Count, plan.Hash[..12]);
        var records = new List<ShardMarker.UnitRecord>();
        foreach (var unit in units)
        {
            ct.ThrowIfCancellationRequested();
            var unitClock = Stopwatch.StartNew();
            log.LogInformation("Shard {Shard}, unit {Id}: {What}", shard, unit.Id, unit.Describe());
            var entries = Do(context, unit);
            records.Add(new ShardMarker.UnitRecord(unit.Id, unit.Describe(), Math.Round(unitClock.Elapsed.TotalSeconds, 3), entries));
        }

        var s = cache.Statistics;
        var marker = new ShardMarker(shard.Index, shard.Count, plan.Hash, config.ConfigPath, Environment.MachineName, Environment.ProcessId,
            started, DateTime.UtcNow.ToString("O"), Math.Round(clock.Elapsed.TotalSeconds, 3), records,
            new ShardMarker.CacheCounts(s.ActivationHits, s.ActivationMisses, s.RdmHits, s.RdmMisses, s.TargetMisses), context.Manifest.Warnings.ToList());
        marker.Write(markerPath);
        log.LogInformation("Shard {Shard} done in {Seconds:0.0} s: {Marker}", shard, clock.Elapsed.TotalSeconds, markerPath);
        return marker;
    }

    /// <summary>The cache entries (<c>kind/key</c>) of a unit, in order: what the shard must leave behind.</summary>
    public static IReadOnlyList<(string Kind, string Key, long[] Shape)> Entries(RunContext context, WorkUnit unit)
    {
        var result = new List<(string, string, long[])>();
        int n = context.Stimuli.Count;
        long pairs = (long)n * (n - 1) / 2;
        if (unit.Kind == WorkUnitKind.Target)
        {
            result.Add(("rdms", context.TargetRdmKey(context.Target(unit.Name)), [pairs]));
            return result;
        }
        var model = context.Model(unit.Name);
        var layers = Layers(model, unit);
        foreach (var l in layers) result.Add(("activations", context.RowBlockKey(model, l, unit.Start, unit.Count), [unit.Count, l.FeatureCount]));
        if (unit.WholeSet)
            foreach (var metric in unit.Metrics)
                foreach (var l in layers) result.Add(("rdms", context.LayerRdmKey(model, l, EnumNames.Parse<DistanceMetric>(metric, "metric")), [pairs]));
        return result;
    }

    public static IReadOnlyList<LayerDescription> Layers(ModelSession model, WorkUnit unit) =>
        unit.Layers.Select(name => model.Layers.First(l => l.Name == name)).ToList();

    private static List<string> Do(RunContext context, WorkUnit unit)
    {
        if (unit.Kind == WorkUnitKind.Target)
        {
            context.CachedTargetRdm(context.Target(unit.Name));
        }
        else
        {
            var model = context.Model(unit.Name);
            var layers = Layers(model, unit);
            context.EnsureActivations(model, layers, unit.Start, unit.Count);
            if (unit.WholeSet)
                foreach (var metric in unit.Metrics)
                    foreach (var l in layers) context.CachedLayerRdm(model, l, EnumNames.Parse<DistanceMetric>(metric, "metric"));
        }
        return Entries(context, unit).Select(e => $"{e.Kind}/{e.Key}").ToList();
    }

    /// <summary>Writes <c>shards/plan.json</c> unless it already holds this plan (every shard writes the same content).</summary>
    public static void WritePlan(ShardFolder folder, ShardPlan plan, RunConfig config, ILogger log)
    {
        if (File.Exists(folder.PlanPath))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(folder.PlanPath));
                var hash = doc.RootElement.GetProperty("hash").GetString();
                if (hash == plan.Hash) return;
                log.LogWarning("{Path} held another plan ({Old}); it is replaced by {New}: shards of the old plan must be rerun",
                    folder.PlanPath, hash?[..Math.Min(12, hash.Length)], plan.Hash[..12]);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or IOException or InvalidOperationException)
            {
            }
        }
        Directory.CreateDirectory(folder.Root);
        AtomicFile.WriteAllText(folder.PlanPath, plan.ToJson(config.ConfigPath, ContentHash.OfFile(config.ConfigPath))
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
