namespace RepLens.Host.Scheduling;

/// <summary>
/// What a scheduler is asked to run: <see cref="Shards"/> shard commands (only those of
/// <see cref="ShardIds"/> now), then the merge command once every one of them succeeded.
/// </summary>
/// <param name="Name">A job name (the run's name).</param>
/// <param name="RunFolder">The run folder (on the shared file system).</param>
/// <param name="ScriptFolder">Where the scheduler writes its scripts and logs.</param>
/// <param name="Shards">N, the number of shards (numbered 0 … N − 1).</param>
/// <param name="ShardIds">The shards to submit (all, or those to resubmit).</param>
/// <param name="ShardCommand">The shell command of a shard, given a shell expression for its index (e.g. <c>$SLURM_ARRAY_TASK_ID</c>).</param>
/// <param name="MergeCommand">The shell command of the merge.</param>
/// <param name="Resources">Partition, time limit, memory, CPUs and extra options for the scheduler.</param>
internal sealed record ShardedJob(
    string Name,
    string RunFolder,
    string ScriptFolder,
    int Shards,
    IReadOnlyList<int> ShardIds,
    Func<string, string> ShardCommand,
    string MergeCommand,
    SchedulerResources Resources);

/// <summary>Resources asked of the scheduler for each shard and for the merge; null leaves the scheduler's default.</summary>
internal sealed record SchedulerResources(string? Partition = null, string? Time = null, string? Memory = null, int? Cpus = null, string? Extra = null);

/// <summary>A submission: the scheduler's ids of the shard jobs and of the merge job.</summary>
internal sealed record SubmittedJob(string Scheduler, string ShardJobId, string MergeJobId, IReadOnlyList<int> ShardIds, DateTime SubmittedUtc);
