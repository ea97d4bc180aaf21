using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Sdk;

/// <summary>
/// The plugin SDK as a lab outside this repository uses it (docs/PLUGINS.md): tools/pack.sh →
/// <c>dotnet new install</c> the template package → <c>dotnet new replens-plugin</c> → build the worked
/// example (examples/third-party/Lab.EdgeDensity) against the packed RepLens.Abstractions only →
/// <c>replens plugins</c> lists it → <c>replens run</c> uses it.
/// </summary>
/// <remarks>
/// Nothing outside a temporary folder is changed: templates go to a private hive (<c>--debug:custom-hive</c>
/// and DOTNET_CLI_HOME), packages to a private NUGET_PACKAGES folder whose fallback is the machine's
/// package folder without RepLens.Abstractions (so the freshly packed contracts are restored, never a
/// stale cached copy of the same version, and nothing else is downloaded). The example is copied out of
/// the repository first, so no Directory.Build.* of this checkout can leak into its build.
/// </remarks>
public sealed class PluginSdkTests : IDisposable
{
    private readonly TempDir _dir = new("replens-sdk");

    private static string ContractVersion => $"{Abstractions.RepLensContract.Version.Major}.{Abstractions.RepLensContract.Version.Minor}.{Math.Max(0, Abstractions.RepLensContract.Version.Build)}";

    [Fact]
    public void PackTemplateBuildListRun_ThirdPartyExample_IsDiscoveredAndUsedByARun()
    {
        var clock = Stopwatch.StartNew();
        var log = new StringBuilder();
        var feed = _dir.File("feed");
        var hive = _dir.File("hive");

        // 1. Pack: the contracts and the template package, versioned by the contract version.
        var pack = Exec(Repo.Root, Isolation.None, "bash", Path.Combine(Repo.Root, "tools", "pack.sh"), feed);
        log.AppendLine($"pack {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var abstractionsPackage = Path.Combine(feed, $"RepLens.Abstractions.{ContractVersion}.nupkg");
        var templatePackage = Path.Combine(feed, $"RepLens.Templates.{ContractVersion}.nupkg");
        Assert.True(File.Exists(abstractionsPackage), $"no {abstractionsPackage}\n{pack}");
        Assert.True(File.Exists(templatePackage), $"no {templatePackage}\n{pack}");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(abstractionsPackage))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/RepLens.Abstractions.dll");
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/RepLens.Abstractions.xml");
        }

        // 2. Install the template in a private hive and create a target plugin from it.
        var install = Exec(_dir.Path, Isolation.Templates, "dotnet", "new", "install", templatePackage, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());
        var fresh = _dir.File("fresh");
        var create = Exec(_dir.Path, Isolation.Templates, "dotnet", "new", "replens-plugin", "--kind", "target", "-n", "Lab.EdgeDensity",
            "--feed", feed, "-o", fresh, "--debug:custom-hive", hive);
        Assert.True(create.ExitCode == 0, create.ToString());
        log.AppendLine($"template {clock.Elapsed.TotalSeconds:F1} s");

        // The worked example is that output plus edits to the target, its tests, plugin.json and README:
        // the build files it shares with the template must not have drifted from it.
        var example = Path.Combine(Repo.Root, "examples", "third-party", "Lab.EdgeDensity");
        foreach (var shared in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "Lab.EdgeDensity.slnx",
                     "src/Lab.EdgeDensity/Lab.EdgeDensity.csproj", "src/Lab.EdgeDensity/EdgeDensityPlugin.cs", "tests/Lab.EdgeDensity.Tests/Lab.EdgeDensity.Tests.csproj" })
            Assert.True(File.ReadAllText(Path.Combine(fresh, shared)) == File.ReadAllText(Path.Combine(example, shared)),
                $"examples/third-party/Lab.EdgeDensity/{shared} differs from what `dotnet new replens-plugin` generates now; regenerate the example or update the template.");

        // 3. Build the example outside the repository, against the packed contracts only.
        var lab = _dir.File("Lab.EdgeDensity");
        CopyTree(example, lab);
        File.WriteAllText(Path.Combine(lab, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="replens-local" value="{feed}" /></packageSources></configuration>
            """);
        var build = Exec(lab, Isolation.Packages, "dotnet", "build", "src/Lab.EdgeDensity", "-c", "Release", "-nologo", "-v", "quiet", "-clp:ErrorsOnly",
            "-nodeReuse:false", $"-p:RestoreFallbackFolders={PackageFallbackWithoutRepLens()}");
        log.AppendLine($"build {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("ProjectReference", File.ReadAllText(Path.Combine(lab, "src", "Lab.EdgeDensity", "Lab.EdgeDensity.csproj")));
        var plugins = Path.Combine(lab, "artifacts", "plugins");
        var pluginDir = Path.Combine(plugins, "Lab.EdgeDensity");
        var files = Directory.GetFiles(pluginDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(pluginDir, f)).ToList();
        Assert.Contains("Lab.EdgeDensity.dll", files);
        Assert.Contains("plugin.json", files);
        Assert.Contains("README.md", files);
        Assert.DoesNotContain(files, f => f.StartsWith("RepLens.Abstractions", StringComparison.Ordinal) || f.Contains("torch", StringComparison.OrdinalIgnoreCase));
        long bytes = Directory.GetFiles(pluginDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 1_000_000, $"the plugin folder is {bytes} bytes: {string.Join(", ", files)}");

        // 4. `replens plugins` lists it, with its contract version and its target.
        var list = ReplensProcess.Run(_dir.Path, "plugins", "--plugins", plugins);
        log.AppendLine($"plugins {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains($"Lab.EdgeDensity 0.1.0 (contracts {ContractVersion})", list.StdOut);
        Assert.Contains("representational target 'edge-density'", list.StdOut);
        Assert.DoesNotContain("Refused", list.StdOut);

        // 5. `replens run` uses it: a config naming the plugins folder and the edge-density target.
        var output = _dir.File("run");
        var config = _dir.File("config.json");
        string Quickstart(string p) => JsonSerializer.Serialize(Path.Combine(Repo.Root, "examples", "quickstart", p));
        File.WriteAllText(config, $$"""
            {
              "plugins": [ {{JsonSerializer.Serialize(plugins)}} ],
              "stimuli": {{Quickstart("stimuli.csv")}},
              "output": {{JsonSerializer.Serialize(output)}},
              "seed": 7,
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{Quickstart("models/tiny_cnn.onnx")}}, "layers": [ "relu", "avgpool" ] } ],
              "targets": [ { "name": "edges", "kind": "edge-density", "options": { "grid": 4 } } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 100, "bootstrap": 20 } ]
            }
            """);
        var run = ReplensProcess.Run(_dir.Path, "run", config);
        log.AppendLine($"run {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, run.ToString());
        var table = CsvTable.Read(Path.Combine(output, "tables", "target_rsa.csv"));
        int target = Array.IndexOf(table.Header.ToArray(), "target"), r = Array.IndexOf(table.Header.ToArray(), "r"), p = Array.IndexOf(table.Header.ToArray(), "p");
        Assert.Equal(2, table.Rows.Count);
        foreach (var row in table.Rows)
        {
            Assert.Equal("edges", row[target]);
            double rho = double.Parse(row[r], CultureInfo.InvariantCulture), pValue = double.Parse(row[p], CultureInfo.InvariantCulture);
            Assert.True(double.IsFinite(rho) && rho != 0 && Math.Abs(rho) <= 1, $"r = {row[r]}");
            Assert.True(pValue > 0 && pValue <= 1, $"p = {row[p]}");
        }
        Assert.True(File.Exists(Path.Combine(output, "rdms", "targets", "edges.npy")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.Contains("Lab.EdgeDensity", manifest.RootElement.GetProperty("plugins").GetRawText());

        // Timings, for docs/PLUGINS.md and the report of a slow CI run.
        Console.WriteLine(log.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), log.ToString());
    }

    [Fact]
    public void NewPlugin_FolderAlreadyHoldsThatPlugin_IsRefusedSayingWhichFilesAndHowToOverwrite()
    {
        var feed = _dir.File("feed");
        var hive = _dir.File("hive");
        var install = Exec(_dir.Path, Isolation.Templates, "dotnet", "new", "install", Path.Combine(Repo.Root, "templates", "content", "replens-plugin"), "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());
        var first = Exec(_dir.Path, Isolation.Templates, "dotnet", "new", "replens-plugin", "-n", "Lab.Clash", "--feed", feed, "--debug:custom-hive", hive);
        Assert.True(first.ExitCode == 0, first.ToString());
        var plugin = Path.Combine(_dir.Path, "Lab.Clash", "src", "Lab.Clash", "ClashTarget.cs");
        File.AppendAllText(plugin, "// the lab's own edits\n");

        var second = Exec(_dir.Path, Isolation.Templates, "dotnet", "new", "replens-plugin", "-n", "Lab.Clash", "--kind", "brain", "--feed", feed, "--debug:custom-hive", hive);

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("existing files", second.Output);
        Assert.Contains("ClashPlugin.cs", second.Output);
        Assert.Contains("--force", second.Output);
        Assert.EndsWith("// the lab's own edits\n", File.ReadAllText(plugin)); // nothing was overwritten
        Assert.False(File.Exists(Path.Combine(_dir.Path, "Lab.Clash", "src", "Lab.Clash", "ClashLoader.cs")));
    }

    [Fact]
    public void Run_ConfigNamesATargetOfAPluginBuiltAgainstANewerContractMajor_FailsNamingTheRefusal()
    {
        // The mini-plugin tests/TestPlugins/WrongContractVersion is built against RepLens.Abstractions 2.0
        // (tests/TestPlugins/FutureAbstractions); PluginCatalogTests checks the refusal names both versions.
        var plugins = _dir.File("plugins");
        CopyTree(Path.Combine(AppContext.BaseDirectory, "testplugins", "WrongContractVersion"), Path.Combine(plugins, "WrongContractVersion"));
        var config = _dir.File("config.json");
        string Quickstart(string p) => JsonSerializer.Serialize(Path.Combine(Repo.Root, "examples", "quickstart", p));
        File.WriteAllText(config, $$"""
            {
              "plugins": [ {{JsonSerializer.Serialize(plugins)}} ],
              "stimuli": {{Quickstart("stimuli.csv")}},
              "output": {{JsonSerializer.Serialize(_dir.File("run"))}},
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{Quickstart("models/tiny_cnn.onnx")}}, "layers": [ "avgpool" ] } ],
              "targets": [ { "name": "future", "kind": "future-target" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 10, "bootstrap": 10 } ]
            }
            """);

        var list = ReplensProcess.Run(_dir.Path, "plugins", "--plugins", plugins);
        var run = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.Contains("built against RepLens.Abstractions 2.0.0, but this host provides 1.0.0", list.StdOut);
        Assert.Equal(2, list.ExitCode);
        Assert.Contains("1 plugin(s) refused: WrongContractVersion", list.StdErr);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.targets[0].kind: no representational target 'future-target'", run.StdErr + run.StdOut);
        Assert.Contains("Refused plugins (see `replens plugins`): WrongContractVersion", run.StdErr + run.StdOut);
        Assert.False(Directory.Exists(Path.Combine(_dir.File("run"), "tables")));
    }

    public void Dispose() => _dir.Dispose();

    private enum Isolation { None, Templates, Packages }

    private sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    /// <summary>
    /// Runs a tool with the MSBuild variables of the test run removed (a nested build must find its own
    /// SDK); <see cref="Isolation.Templates"/> adds a private CLI home (with --debug:custom-hive, `dotnet new`
    /// neither reads nor writes the user's templates), <see cref="Isolation.Packages"/> a private package folder.
    /// </summary>
    private Result Exec(string workingDirectory, Isolation isolation, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        // Packing builds inside this checkout: it keeps the machine's package folder, or the checkout's
        // obj/project.assets.json would point into this temporary folder.
        if (isolation == Isolation.Packages) psi.Environment["NUGET_PACKAGES"] = _dir.File("packages");
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // DOTNET_CLI_HOME also moves the user's NuGet.Config, so it is set for `dotnet new` only.
        if (isolation == Isolation.Templates) psi.Environment["DOTNET_CLI_HOME"] = _dir.File("home");
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 3 minutes:\n{output}");
        }
        p.WaitForExit();
        lock (output) return new Result(p.ExitCode, output.ToString());
    }

    /// <summary>
    /// A fallback package folder: links to every package of the machine's package folder except
    /// RepLens.Abstractions, so the build restores the contracts from the fresh feed and finds the rest offline.
    /// </summary>
    private string PackageFallbackWithoutRepLens()
    {
        var global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } g
            ? g
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallback = _dir.File("fallback");
        Directory.CreateDirectory(fallback);
        if (Directory.Exists(global))
            foreach (var package in Directory.GetDirectories(global))
            {
                var name = Path.GetFileName(package);
                if (!name.StartsWith("replens.", StringComparison.OrdinalIgnoreCase))
                    Directory.CreateSymbolicLink(Path.Combine(fallback, name), package);
            }
        return fallback;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj" or "artifacts" or "TestResults") continue;
            CopyTree(dir, Path.Combine(to, name));
        }
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
