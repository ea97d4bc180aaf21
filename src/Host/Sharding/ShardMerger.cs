using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions.IO;
using RepLens.Host.Cli;
using RepLens.Host.Configuration;
using RepLens.Host.Run;

namespace RepLens.Host.Sharding;

/// <summary>
/// <c>replens merge RUN_DIR</c>: checks that every shard of the plan finished and left every cache entry
/// it promised (valid: size, header and SHA-256), names the shards to rerun otherwise, assembles the
/// row blocks of stimulus-split layers into whole activation files, then runs the analyses exactly as
/// an unsharded run does — from the cache, seeded as in one run — and writes the run folder.
/// </summary>
internal sealed class ShardMerger(RunExecutor executor, IReadOnlyList<IAnalysisKind> kinds, IEnumerable<Scheduling.IScheduler> schedulers, ILogger<ShardMerger> log)
{
    public void Merge(RunConfig config, ShardFolder.PlanHeader header, ShardFolder folder, CancellationToken ct)
    {
        if (!string.Equals(Path.GetFullPath(config.OutputDirectory), folder.RunFolder, StringComparison.Ordinal))
            throw new UserInputException($"The config {config.ConfigPath} writes to {config.OutputDirectory}, not to {folder.RunFolder}; merge the folder its shards ran into.");
        var clock = Stopwatch.StartNew();
        using var inputs = executor.Open(config);
        var plan = ShardPlanner.Plan(inputs, kinds, header.Shards, header.SplitStimuli);
        var split = header.SplitStimuli is { } k ? $" --split-stimuli {k}" : "";
        if (plan.Hash != header.Hash)
            throw new UserInputException($"The plan of {config.ConfigPath} ({header.Shards} shards{split}) is no longer the one in {folder.PlanPath} " +
                "(models, layers, stimuli or analyses changed since the shards ran). Rerun every shard: " +
                Rerun(config, plan, Enumerable.Range(0, plan.Shards).ToList(), split, folder));

        var cache = new ArtifactCache(config.EffectiveCacheDirectory, new CacheStatistics(), log);
        var problems = new SortedDictionary<int, string>();
        var markers = new List<ShardMarker>();
        using (var context = executor.CacheOnlyContext(inputs, cache, ct))
        {
            for (int s = 0; s < plan.Shards; s++)
            {
                var marker = ShardMarker.TryRead(folder.MarkerPath(s, plan.Shards));
                if (marker is null) { problems[s] = "not finished (no marker " + Path.GetFileName(folder.MarkerPath(s, plan.Shards)) + ")"; continue; }
                if (marker.PlanHash != plan.Hash) { problems[s] = $"ran another plan ({marker.PlanHash[..12]})"; continue; }
                foreach (var unit in plan.UnitsOf(s))
                    foreach (var (kind, key, shape) in ShardRunner.Entries(context, unit))
                        if (cache.Problem(kind, key, shape) is { } p && !problems.ContainsKey(s))
                            problems[s] = $"cache entry {kind}/{key[..12]}… of unit {unit.Id} ({unit.Describe()}): {p}";
                markers.Add(marker);
            }
            if (problems.Count > 0)
            {
                var text = new StringBuilder($"{problems.Count} of {plan.Shards} shards are not finished in {folder.RunFolder}:");
                foreach (var (s, p) in problems) text.Append($"\n  shard {s}: {p}");
                text.Append("\nRerun only those (finished work comes from the cache): ").Append(Rerun(config, plan, problems.Keys.ToList(), split, folder));
                throw new UserInputException(text.ToString());
            }
            log.LogInformation("Merge: all {Shards} shards of plan {Plan} finished ({Units} units)", plan.Shards, plan.Hash[..12], plan.Units.Count);

            int assembled = Assemble(context, plan);
            var runs = markers.Select(m => new RunManifest.ShardRun(m.Shard, m.Host, m.Finished, m.Seconds, m.Units.Count)).ToList();
            executor.Execute(inputs, ct, new RunManifest.ShardingInfo(plan.Shards, plan.Hash, plan.SplitStimuli, plan.Units.Count, assembled, runs));
        }
        log.LogInformation("Merged {Shards} shards in {Seconds:0.0} s", plan.Shards, clock.Elapsed.TotalSeconds);
    }

    /// <summary>How to rerun some shards: the commands, and the resubmission through the scheduler the run was submitted with.</summary>
    private string Rerun(RunConfig config, ShardPlan plan, IReadOnlyList<int> shards, string split, ShardFolder folder)
    {
        var text = new StringBuilder();
        foreach (var s in shards) text.Append($"\n  replens run {Quote(config.ConfigPath)} --shard {s}/{plan.Shards}{split}");
        text.Append($"\nthen: replens merge {Quote(folder.RunFolder)}");
        foreach (var scheduler in schedulers.Where(s => Directory.Exists(Path.Combine(folder.RunFolder, s.Name))))
            text.Append($"\nor, submitted with replens {scheduler.Name}: replens {scheduler.Name} {Quote(config.ConfigPath)} --shards {plan.Shards}{split} --only {string.Join(',', shards)}");
        return text.ToString();
    }

    private static string Quote(string s) => Scheduling.Shell.Quote(s);

    /// <summary>Concatenates the row blocks of every stimulus-split layer into its whole activation file (byte for byte what one pass writes).</summary>
    private int Assemble(RunContext context, ShardPlan plan)
    {
        int assembled = 0;
        var cache = context.Cache;
        foreach (var group in plan.Units.Where(u => u.Kind == WorkUnitKind.Extract && !u.WholeSet)
                     .GroupBy(u => (u.Name, string.Join('\n', u.Layers))))
        {
            var ranges = group.OrderBy(u => u.Start).ToList();
            var model = context.Model(ranges[0].Name);
            foreach (var layer in ShardRunner.Layers(model, ranges[0]))
            {
                var key = context.ActivationKey(model, layer);
                if (cache.TryGet("activations", key, new long[] { context.Stimuli.Count, layer.FeatureCount }, out _)) continue;
                var sw = Stopwatch.StartNew();
                cache.Store("activations", key, temporary =>
                {
                    using var writer = new NpyRowWriter(temporary, context.Stimuli.Count, checked((int)layer.FeatureCount));
                    var row = new float[layer.FeatureCount];
                    foreach (var r in ranges)
                    {
                        var path = cache.PathFor("activations", context.RowBlockKey(model, layer, r.Start, r.Count));
                        var blockHeader = Npy.ReadHeader(path);
                        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                        fs.Position = blockHeader.DataOffset;
                        var bytes = MemoryMarshal.AsBytes(row.AsSpan());
                        for (int i = 0; i < r.Count; i++)
                        {
                            fs.ReadExactly(bytes);
                            writer.AppendRow(row);
                        }
                    }
                    writer.Commit();
                }, new Dictionary<string, object?>
                {
                    ["what"] = $"{model.Name}/{layer.Name}",
                    ["model"] = model.Name, ["fingerprint"] = model.Model.Fingerprint, ["layer"] = layer.Name, ["networkName"] = layer.NetworkName,
                    ["shape"] = new long[] { context.Stimuli.Count, layer.FeatureCount }, ["stimulusSet"] = context.StimulusSetKey,
                    ["assembledFrom"] = ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Start}+{r.Count}")).ToList(),
                });
                assembled++;
                log.LogInformation("Merge: {Model}/{Layer} assembled from {Blocks} row blocks in {Seconds:0.00} s", model.Name, layer.Name, ranges.Count, sw.Elapsed.TotalSeconds);
            }
        }
        return assembled;
    }
}
