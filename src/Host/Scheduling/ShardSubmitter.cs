using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Host.Sharding;

namespace RepLens.Host.Scheduling;

/// <summary>
/// Submits a sharded run through a scheduler adapter: plans it (checking the whole config first),
/// writes the job scripts, submits shards and merge, and with <c>--wait</c> waits and reports from the
/// run folder — shard markers and the merged manifest — which shards failed and how to resubmit them.
/// </summary>
internal sealed class ShardSubmitter(RunExecutor executor, IReadOnlyList<IAnalysisKind> kinds, ILogger<ShardSubmitter> log)
{
    public sealed record Request(int Shards, int? SplitStimuli, IReadOnlyList<int>? Only, SchedulerResources Resources, bool DryRun, bool Wait,
        TimeSpan? Timeout, IReadOnlyList<string> PluginFolders);

    /// <summary>Returns the exit code: 0 when submitted (or, with wait, merged), 1 when shards or the merge failed.</summary>
    public int Submit(IScheduler scheduler, RunConfig config, Request request, TextWriter output, CancellationToken ct)
    {
        ShardPlan plan;
        using (var inputs = executor.Open(config)) plan = ShardPlanner.Plan(inputs, kinds, request.Shards, request.SplitStimuli);
        var ids = request.Only ?? Enumerable.Range(0, plan.Shards).ToList();
        foreach (var i in ids)
            if (i < 0 || i >= plan.Shards)
                throw new Cli.UserInputException($"--only: shard {i} does not exist; shards are numbered 0 … {plan.Shards - 1}.");
        var folder = new ShardFolder(config.OutputDirectory);
        ShardRunner.WritePlan(folder, plan, config, log);
        var job = Job(scheduler, config, plan, request, ids, folder);

        var scripts = scheduler.WriteScripts(job);
        output.WriteLine($"plan: {plan.Units.Count} work units over {plan.Shards} shards ({plan.Hash[..12]}); {folder.PlanPath}");
        foreach (var s in scripts) output.WriteLine($"wrote {s}");
        if (request.DryRun)
        {
            output.WriteLine($"dry run: nothing submitted. To submit by hand: {scheduler.ResubmitHint(job, ids)}");
            return Cli.ExitCodes.Success;
        }

        // What the jobs leave in the run folder decides success: clear the markers of the shards about
        // to run and the manifest of an earlier merge, so that nothing stale can be taken for a result.
        foreach (var i in ids) File.Delete(folder.MarkerPath(i, plan.Shards));
        File.Delete(Path.Combine(folder.RunFolder, "manifest.json"));
        var submitted = scheduler.Submit(job, ct);
        AtomicFile.WriteAllText(Path.Combine(job.ScriptFolder, "jobs.json"), JsonSerializer.Serialize(submitted, RunManifest.JsonOptions));
        output.WriteLine($"submitted shards {(ids.Count == plan.Shards ? $"0-{plan.Shards - 1}" : string.Join(',', ids))} of {plan.Shards}: job {submitted.ShardJobId}");
        output.WriteLine($"submitted merge: job {submitted.MergeJobId} (runs once every shard succeeded)");
        if (!request.Wait)
        {
            output.WriteLine($"results: {folder.RunFolder} (manifest.json appears when the merge is done)");
            return Cli.ExitCodes.Success;
        }

        scheduler.WaitUntilDone(submitted, request.Timeout, s => log.LogInformation("{Scheduler}: {State}", scheduler.Name, s), ct);
        var failed = ids.Where(i => ShardMarker.TryRead(folder.MarkerPath(i, plan.Shards)) is not { } m || m.PlanHash != plan.Hash).ToList();
        bool merged = File.Exists(Path.Combine(folder.RunFolder, "manifest.json"));
        if (failed.Count == 0 && merged)
        {
            output.WriteLine($"all {ids.Count} shards and the merge finished: {folder.RunFolder}");
            return Cli.ExitCodes.Success;
        }
        var report = new StringBuilder();
        if (failed.Count > 0)
        {
            report.AppendLine($"{failed.Count} of {ids.Count} shards failed: {string.Join(", ", failed)}");
            foreach (var i in failed)
                report.AppendLine($"  shard {i}: log {scheduler.ShardLog(job, submitted, i)}{Tail(scheduler.ShardLog(job, submitted, i))}");
            report.AppendLine("the merge did not run. Resubmit only the failed shards and a new merge (finished work comes from the cache):");
            report.AppendLine($"  replens {scheduler.Name} {Shell.Quote(config.ConfigPath)} --shards {plan.Shards}" +
                              (request.SplitStimuli is { } k ? $" --split-stimuli {k}" : "") + $" --only {string.Join(',', failed)}");
            report.AppendLine($"  or by hand: {scheduler.ResubmitHint(job, failed)}");
        }
        else
        {
            report.AppendLine($"every shard finished but the merge did not: log {scheduler.MergeLog(job, submitted)}{Tail(scheduler.MergeLog(job, submitted))}");
            report.AppendLine($"run it again with: replens merge {Shell.Quote(folder.RunFolder)}");
        }
        output.Write(report.ToString());
        return Cli.ExitCodes.Failure;
    }

    private static ShardedJob Job(IScheduler scheduler, RunConfig config, ShardPlan plan, Request request, IReadOnlyList<int> ids, ShardFolder folder)
    {
        var host = string.Join(' ', HostInvocation().Select(Shell.Quote));
        var plugins = string.Concat(request.PluginFolders.Select(p => " --plugins " + Shell.Quote(Path.GetFullPath(p))));
        var split = request.SplitStimuli is { } k ? string.Create(CultureInfo.InvariantCulture, $" --split-stimuli {k}") : "";
        var name = "replens-" + (config.Name ?? Path.GetFileNameWithoutExtension(config.ConfigPath));
        return new ShardedJob(name, folder.RunFolder, Path.Combine(folder.RunFolder, scheduler.Name), plan.Shards, ids,
            index => $"{host}{plugins} run {Shell.Quote(config.ConfigPath)} --shard {index}/{plan.Shards.ToString(CultureInfo.InvariantCulture)}{split}",
            $"{host}{plugins} merge {Shell.Quote(folder.RunFolder)}",
            request.Resources);
    }

    /// <summary>
    /// How to start this very RepLens on a cluster node: <c>dotnet &lt;dir&gt;/replens.dll</c> with absolute
    /// paths (the folder must be on a file system the nodes share), or the apphost executable.
    /// </summary>
    public static IReadOnlyList<string> HostInvocation()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var dll = Path.Combine(AppContext.BaseDirectory, "replens.dll");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, dll] : [process];
    }

    private static string Tail(string? path)
    {
        if (path is null || !File.Exists(path)) return " (not written: the job may not have started)";
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).TakeLast(4).ToList();
        return lines.Count == 0 ? " (empty)" : string.Concat(lines.Select(l => "\n      " + l));
    }
}
