namespace RepLens.Host.Cli;

internal static class ReplensCli
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
