namespace RepLens.Host.Scheduling;

/// <summary>
/// A batch scheduler as an adapter over the shard plan: it turns "run shard i for each i, then the
/// merge once all succeeded" into its own jobs (Slurm: a job array and a dependent job; another
/// scheduler, e.g. Kubernetes indexed jobs, would be added the same way). Nothing else in RepLens knows
/// about schedulers: shards and the merge are plain <c>replens</c> commands.
/// </summary>
internal interface IScheduler
{
    /// <summary>The scheduler's name (<c>slurm</c>); its scripts go to <c>&lt;run&gt;/&lt;name&gt;/</c>.</summary>
    string Name { get; }

    /// <summary>Writes the job scripts into <see cref="ShardedJob.ScriptFolder"/> and returns their paths (a dry run stops here).</summary>
    IReadOnlyList<string> WriteScripts(ShardedJob job);

    /// <summary>Submits the shards of <see cref="ShardedJob.ShardIds"/> and the merge (after all of them succeed) at once.</summary>
    SubmittedJob Submit(ShardedJob job, CancellationToken ct);

    /// <summary>Waits until the scheduler holds none of the submitted jobs any more; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    void WaitUntilDone(SubmittedJob submitted, TimeSpan? timeout, Action<string> progress, CancellationToken ct);

    /// <summary>The scheduler's own command(s) to resubmit only <paramref name="shards"/> and a new merge.</summary>
    string ResubmitHint(ShardedJob job, IReadOnlyList<int> shards);

    /// <summary>The log file of shard <paramref name="shard"/> in a submission, if the scheduler writes one.</summary>
    string? ShardLog(ShardedJob job, SubmittedJob submitted, int shard);

    /// <summary>The log file of the merge in a submission, if the scheduler writes one.</summary>
    string? MergeLog(ShardedJob job, SubmittedJob submitted);
}
