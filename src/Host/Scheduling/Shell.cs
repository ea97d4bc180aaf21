namespace RepLens.Host.Scheduling;

/// <summary>Quoting for POSIX shells (job scripts and the commands printed for users).</summary>
internal static class Shell
{
    /// <summary>A word as the shell must see it: unchanged when it is plain, single-quoted otherwise.</summary>
    public static string Quote(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '=' or ',' or '@')
        ? s : "'" + s.Replace("'", "'\\''") + "'";
}
