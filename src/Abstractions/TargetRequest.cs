namespace RepLens.Abstractions;

/// <summary>What the host asks a target to prepare.</summary>
/// <param name="Name">The name the user gave the target (used in outputs).</param>
/// <param name="Options">Target-specific options from the config.</param>
public sealed record TargetRequest(string Name, PluginOptions Options)
{
    /// <summary>
    /// A folder the target may use for its own cache of intermediate results that outlive a run (e.g.
    /// per-caption embeddings keyed by content), inside the host's cache; <c>null</c> when the host gives
    /// none (the target then caches in memory only). Never a place for outputs: targets write no output
    /// files. Writes there must be atomic (see <see cref="IO.AtomicFile"/>).
    /// </summary>
    public string? CacheDirectory { get; init; }
}
