using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary>One uninterrupted, unsharded run of the six-layer quick-start config, shared by the tests that compare against it.</summary>
public sealed class UnshardedReference : IDisposable
{
    private readonly TempDir _dir = new("replens-reference");

    public UnshardedReference()
    {
        Output = _dir.File("reference");
        var config = QuickstartConfig.Write(_dir.Path, Output);
        Result = ReplensProcess.Run(_dir.Path, "run", config, "-q");
        Assert.True(Result.ExitCode == 0, Result.ToString());
    }

    public string Output { get; }

    public ReplensProcess.Result Result { get; }

    public void Dispose() => _dir.Dispose();
}
