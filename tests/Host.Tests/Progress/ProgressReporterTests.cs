using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RepLens.Host.Progress;
using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Progress;

/// <summary>
/// Progress: plain periodic lines with rate and time left when output is not a terminal (CI, Slurm
/// logs), a live bar on standard error on a terminal that leaves standard output clean.
/// </summary>
public sealed class ProgressReporterTests : IDisposable
{
    private readonly TempDir _dir = new("replens-progress");

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    [Fact]
    public void Report_PlainMode_WritesALineAtMostEveryIntervalWithRateAndTimeLeft()
    {
        var log = new ListLogger();
        var now = TimeSpan.Zero;
        var reporter = new ProgressReporter(log, ProgressMode.Plain, TimeSpan.FromSeconds(10), () => now);

        using (var scope = reporter.Start("Model 'resnet18'", 100, "images"))
        {
            foreach (var (seconds, done) in new[] { (1, 5), (5, 25), (10, 50), (12, 60), (19, 95), (20, 100) })
            {
                now = TimeSpan.FromSeconds(seconds);
                scope.Report(done);
            }
        }

        Assert.Equal(new[]
        {
            "Model 'resnet18': 50/100 images (50%), 5.0 images/s, about 10 s left",
            "Model 'resnet18': 100/100 images (100%), 5.0 images/s",
        }, log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains('\u001b', StringComparison.Ordinal) || l.Contains('\r', StringComparison.Ordinal));
    }

    [Fact]
    public void Report_WorkShorterThanTheInterval_WritesNothing()
    {
        var log = new ListLogger();
        var now = TimeSpan.Zero;
        var reporter = new ProgressReporter(log, ProgressMode.Plain, TimeSpan.FromSeconds(10), () => now);
        using (var scope = reporter.Start("Model 'tiny'", 3, "images"))
            for (int i = 1; i <= 3; i++) { now = TimeSpan.FromSeconds(i); scope.Report(i); }
        Assert.Empty(log.Lines);
    }

    [Theory]
    [InlineData(null, true, "xterm", "Plain")]
    [InlineData(null, false, "xterm", "Terminal")]
    [InlineData(null, false, "dumb", "Plain")]
    [InlineData("off", false, "xterm", "Off")]
    [InlineData("plain", false, "xterm", "Plain")]
    [InlineData("terminal", true, null, "Terminal")]
    public void DetectMode_FollowsTheSettingElseWhetherStandardErrorIsATerminal(string? setting, bool redirected, string? term, string expected) =>
        Assert.Equal(Enum.Parse<ProgressMode>(expected), ProgressReporter.DetectMode(setting, redirected, term));

    [Fact]
    public void Line_LongWork_SaysMinutesLeft() =>
        Assert.Equal("RDMs: 10/1000 layers (1%), 1.0 layers/s, about 16 min 30 s left", ProgressReporter.Line("RDMs", 10, 1000, "layers", TimeSpan.FromSeconds(10)));

    private string Config()
    {
        string Quickstart(string p) => JsonSerializer.Serialize(Path.Combine(Repo.Root, "examples", "quickstart", p));
        var path = _dir.File("config.json");
        File.WriteAllText(path, $$"""
            {
              "stimuli": {{Quickstart("stimuli.csv")}},
              "output": {{JsonSerializer.Serialize(_dir.File("run"))}},
              "cache": {{JsonSerializer.Serialize(_dir.File($"cache-{Guid.NewGuid():N}"))}},
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{Quickstart("models/tiny_cnn.onnx")}}, "layers": [ "avgpool" ] } ],
              "targets": [ { "name": "category", "kind": "category" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 10, "bootstrap": 10 } ]
            }
            """);
        return path;
    }

    [Fact]
    public void Run_OutputNotATerminal_ReportsExtractionInPlainLines()
    {
        var r = ReplensProcess.Run(_dir.Path, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["REPLENS_PROGRESS_INTERVAL"] = "0" }, "run", Config());

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Model 'tiny': 48/48 images (100%)", r.StdErr);
        Assert.Matches(@"Model 'tiny': \d+/48 images \(\d+%\), [0-9.]+ images/s", r.StdErr);
        Assert.Contains("target-rsa: 1/1 layer comparisons (100%)", r.StdErr);
        Assert.False((r.StdErr + r.StdOut).Contains('\u001b', StringComparison.Ordinal), "ANSI escape sequences in redirected output");
        Assert.DoesNotContain("images (", r.StdOut);
    }

    [SkippableFact]
    public void Run_StandardErrorATerminal_DrawsABarThereAndLeavesStandardOutputClean()
    {
        Skip.IfNot(File.Exists("/usr/bin/script"), "util-linux's script (a pseudo-terminal) is not installed.");
        var stdout = _dir.File("stdout.txt");
        var transcript = _dir.File("tty.txt");
        var command = $"dotnet '{ReplensProcess.HostDll}' run '{Config()}' > '{stdout}'";
        var psi = new ProcessStartInfo("/usr/bin/script") { WorkingDirectory = _dir.Path, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-qec", command, transcript }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("REPLENS_PROGRESS");
        psi.Environment["TERM"] = "xterm";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "replens run under script did not finish");

        var tty = File.ReadAllText(transcript);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{tty}\n{output.Result}");
        Assert.Contains("Done in", tty);
        Assert.Contains("Model 'tiny' ", tty);        // the bar's task description
        Assert.True(tty.Contains("\u001b[", StringComparison.Ordinal), "no ANSI sequences on the terminal"); // a live bar
        Assert.DoesNotContain("48/48 images", tty);   // not the plain lines
        Assert.Equal("", File.ReadAllText(stdout));  // standard output (piped) untouched
    }

    public void Dispose() => _dir.Dispose();
}
