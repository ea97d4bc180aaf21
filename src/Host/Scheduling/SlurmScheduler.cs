using System.Globalization;
using System.Text;
using RepLens.Abstractions.IO;
using RepLens.Host.Cli;

namespace RepLens.Host.Scheduling;

/// <summary>
/// Slurm: one job array for the shards (<c>#SBATCH --array=0-(N-1)</c>, task i runs shard
/// <c>$SLURM_ARRAY_TASK_ID</c>, so Slurm's task ids are the shard numbers) and one merge job with
/// <c>--dependency=afterok:&lt;array&gt;</c>, submitted together. Resubmitting some shards is
/// <c>sbatch --array=1,3 shards.sbatch</c> (the command line overrides the script's directive).
/// Waiting polls <c>squeue</c>; success is judged by what the jobs leave in the run folder, not by
/// exit codes (an <c>afterok</c> merge whose shards failed is cancelled, or pending forever on
/// clusters without <c>kill_invalid_depend</c> — then it is cancelled here).
/// </summary>
internal sealed class SlurmScheduler : IScheduler
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public string Name => "slurm";

    /// <summary>How often <see cref="WaitUntilDone"/> asks squeue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public static string ShardScript(ShardedJob job) => Path.Combine(job.ScriptFolder, "shards.sbatch");

    public static string MergeScript(ShardedJob job) => Path.Combine(job.ScriptFolder, "merge.sbatch");

    public IReadOnlyList<string> WriteScripts(ShardedJob job)
    {
        Directory.CreateDirectory(Path.Combine(job.ScriptFolder, "logs"));
        var logs = Path.Combine(job.ScriptFolder, "logs");
        var shards = new StringBuilder();
        shards.Append("#!/bin/bash\n");
        shards.Append($"# replens: shard $SLURM_ARRAY_TASK_ID of {job.Shards} (numbered 0-{job.Shards - 1}) of the run in {job.RunFolder}.\n");
        shards.Append($"# Resubmit only some shards: sbatch --array=1,3 {Sh(ShardScript(job))}\n");
        shards.Append($"#SBATCH --job-name={Sanitize(job.Name)}\n");
        shards.Append($"#SBATCH --array=0-{job.Shards - 1}\n");
        shards.Append($"#SBATCH --output={logs}/shard-%a.%A.out\n");
        AppendResources(shards, job.Resources);
        shards.Append("set -euo pipefail\n");
        shards.Append("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export OMP_NUM_THREADS=\"$SLURM_CPUS_PER_TASK\"; fi\n");
        shards.Append("exec ").Append(job.ShardCommand("\"$SLURM_ARRAY_TASK_ID\"")).Append('\n');

        var merge = new StringBuilder();
        merge.Append("#!/bin/bash\n");
        merge.Append($"# replens: merge of the {job.Shards} shards of the run in {job.RunFolder}; submitted with --dependency=afterok:<shard array>.\n");
        merge.Append($"#SBATCH --job-name={Sanitize(job.Name)}-merge\n");
        merge.Append($"#SBATCH --output={logs}/merge.%j.out\n");
        AppendResources(merge, job.Resources);
        merge.Append("set -euo pipefail\n");
        merge.Append("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export OMP_NUM_THREADS=\"$SLURM_CPUS_PER_TASK\"; fi\n");
        merge.Append("exec ").Append(job.MergeCommand).Append('\n');

        AtomicFile.WriteAllText(ShardScript(job), shards.ToString());
        AtomicFile.WriteAllText(MergeScript(job), merge.ToString());
        if (!OperatingSystem.IsWindows())
            foreach (var f in new[] { ShardScript(job), MergeScript(job) })
                File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead);
        return [ShardScript(job), MergeScript(job)];
    }

    public SubmittedJob Submit(ShardedJob job, CancellationToken ct)
    {
        WriteScripts(job);
        var array = ArraySpec(job.ShardIds, job.Shards);
        var shards = Sbatch(["--parsable", $"--array={array}", ShardScript(job)], job.RunFolder);
        try
        {
            var merge = Sbatch(["--parsable", $"--dependency=afterok:{shards}", MergeScript(job)], job.RunFolder);
            return new SubmittedJob(Name, shards, merge, job.ShardIds, DateTime.UtcNow);
        }
        catch (Exception e) when (e is UserInputException or InvalidOperationException or TimeoutException)
        {
            throw new UserInputException($"The shards were submitted as job {shards}, but the merge job was not: {e.Message} " +
                                         $"Submit it yourself: sbatch --dependency=afterok:{shards} {Sh(MergeScript(job))}", e);
        }
    }

    public void WaitUntilDone(SubmittedJob submitted, TimeSpan? timeout, Action<string> progress, CancellationToken ct)
    {
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        string? last = null;
        int failures = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            List<QueuedJob> jobs;
            try
            {
                jobs = Queue(submitted);
                failures = 0;
            }
            catch (InvalidOperationException e) when (++failures < 5)
            {
                // slurmctld can be briefly unreachable on a busy cluster: ask again.
                progress($"squeue failed ({e.Message}); asking again");
                Thread.Sleep(PollInterval * failures);
                continue;
            }
            var shards = jobs.Where(j => j.Id == submitted.ShardJobId || j.Id.StartsWith(submitted.ShardJobId + "_", StringComparison.Ordinal)).ToList();
            var merge = jobs.FirstOrDefault(j => j.Id == submitted.MergeJobId);
            if (shards.Count == 0 && merge is null) return;
            if (shards.Count == 0 && merge is { State: "PENDING" } && merge.Reason.Contains("DependencyNeverSatisfied", StringComparison.Ordinal))
            {
                progress($"merge job {submitted.MergeJobId} can never start (a shard failed); cancelling it");
                ExternalCommand.Run("scancel", [submitted.MergeJobId], CommandTimeout);
                return;
            }
            var state = $"shards: {Summary(shards)}; merge: {(merge is null ? "gone" : merge.State.ToLowerInvariant() + (merge.Reason is "None" or "" ? "" : $" ({merge.Reason})"))}";
            if (state != last) progress(state);
            last = state;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Slurm jobs {submitted.ShardJobId} (shards) and {submitted.MergeJobId} (merge) are still queued or running after {timeout!.Value.TotalMinutes:0.#} min ({state}). " +
                                           $"They go on; follow them with: squeue -j {submitted.ShardJobId},{submitted.MergeJobId}");
            Thread.Sleep(PollInterval);
        }
    }

    public string ResubmitHint(ShardedJob job, IReadOnlyList<int> shards) =>
        $"A=$(sbatch --parsable --array={ArraySpec(shards, job.Shards)} {Sh(ShardScript(job))}) && sbatch --dependency=afterok:$A {Sh(MergeScript(job))}";

    public string? ShardLog(ShardedJob job, SubmittedJob submitted, int shard) =>
        Path.Combine(job.ScriptFolder, "logs", string.Create(CultureInfo.InvariantCulture, $"shard-{shard}.{submitted.ShardJobId}.out"));

    public string? MergeLog(ShardedJob job, SubmittedJob submitted) =>
        Path.Combine(job.ScriptFolder, "logs", $"merge.{submitted.MergeJobId}.out");

    /// <summary><c>0-3</c> for all shards, <c>1,3</c> for some.</summary>
    public static string ArraySpec(IReadOnlyList<int> ids, int shards) =>
        ids.Count == shards && ids.SequenceEqual(Enumerable.Range(0, shards)) ? $"0-{shards - 1}" : string.Join(',', ids);

    private sealed record QueuedJob(string Id, string State, string Reason);

    private static List<QueuedJob> Queue(SubmittedJob submitted)
    {
        var r = ExternalCommand.Run("squeue", ["-h", "-o", "%i|%T|%r", $"--jobs={submitted.ShardJobId},{submitted.MergeJobId}"], CommandTimeout);
        if (r.ExitCode != 0)
        {
            // Jobs that have left the system entirely make squeue fail with "Invalid job id".
            if (r.StdErr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return [];
            throw new InvalidOperationException($"squeue failed (exit {r.ExitCode}): {r.StdErr.Trim()}");
        }
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).Where(p => p.Length >= 3).Select(p => new QueuedJob(p[0], p[1], p[2])).ToList();
    }

    private static string Summary(IReadOnlyList<QueuedJob> shards) =>
        shards.Count == 0 ? "all finished" : string.Join(", ", shards.GroupBy(j => j.State.ToLowerInvariant()).Select(g => $"{g.Count()} {g.Key}"));

    private static string Sbatch(IReadOnlyList<string> args, string workingDirectory)
    {
        var r = ExternalCommand.Run("sbatch", args, CommandTimeout, workingDirectory);
        if (r.ExitCode != 0)
            throw new UserInputException($"sbatch {string.Join(' ', args)} failed (exit {r.ExitCode}): {r.StdErr.Trim()}");
        // --parsable prints "id" or "id;cluster".
        var id = r.StdOut.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new InvalidOperationException($"sbatch printed '{r.StdOut.Trim()}', not a job id.");
        return id;
    }

    private static void AppendResources(StringBuilder s, SchedulerResources r)
    {
        if (r.Partition is { } p) s.Append($"#SBATCH --partition={p}\n");
        if (r.Time is { } t) s.Append($"#SBATCH --time={t}\n");
        if (r.Memory is { } m) s.Append($"#SBATCH --mem={m}\n");
        if (r.Cpus is { } c) s.Append(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={c}\n"));
        foreach (var option in ExtraOptions(r.Extra)) s.Append($"#SBATCH {option}\n");
    }

    /// <summary><c>--extra "--account=lab --qos long"</c> → one <c>#SBATCH</c> line per option (a value may follow its option).</summary>
    public static IReadOnlyList<string> ExtraOptions(string? extra)
    {
        var options = new List<string>();
        foreach (var token in (extra ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith('-') || options.Count == 0) options.Add(token);
            else options[^1] += " " + token;
        }
        return options;
    }

    private static string Sanitize(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    private static string Sh(string s) => Shell.Quote(s);
}
