namespace RepLens.Host.Progress;

/// <summary>How long work reports its progress.</summary>
internal enum ProgressMode
{
    /// <summary>No progress output.</summary>
    Off,

    /// <summary>A plain log line every so often (CI, Slurm logs, any redirected output).</summary>
    Plain,

    /// <summary>A live bar with rate and time left on standard error (an interactive terminal).</summary>
    Terminal,
}
