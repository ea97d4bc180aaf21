namespace RepLens.Host.Cli;

/// <summary>Process exit codes of <c>replens</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed while running (an unexpected error).</summary>
    public const int Failure = 1;

    /// <summary>The input was wrong: config, files, options. The message says what and where.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl-C); finished work is on disk and a rerun resumes.</summary>
    public const int Cancelled = 130;
}
