using System.Diagnostics;
using RepLens.TestSupport;

namespace RepLens.Host.Tests.Cli;

/// <summary>Runs the built <c>replens</c> CLI as a separate process, as scripts and users do.</summary>
public static class ReplensProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
    }

    /// <summary>
    /// The host's own build output (src/Host/bin/&lt;configuration&gt;/net10.0), which has the plugins
    /// folder; building the test project builds it, since the tests reference the host.
    /// </summary>
    public static string HostDll => File.Exists(Repo.HostDll)
        ? Repo.HostDll
        : throw new FileNotFoundException($"The host is not built at {Repo.HostDll}; build Plugins.sln first.");

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromMinutes(3), args);

    public static Result Run(string workingDirectory, TimeSpan timeout, params string[] args) => Run(workingDirectory, timeout, null, args);

    public static Result Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var p = Start(workingDirectory, environment, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"replens {string.Join(' ', args)} did not finish in {timeout}.");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts replens with redirected output (read it, or the pipes fill up) and returns the process.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(HostDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }
}
