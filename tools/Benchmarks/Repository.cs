using System.Diagnostics;

namespace RepLens.Benchmarks;

/// <summary>Where the benchmarks find the source tree, the built host and Debian's Python.</summary>
internal static class Repository
{
    /// <summary>Debian's interpreter (NumPy, SciPy, PyTorch from apt), not whatever python3 comes first on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run the benchmarks from the repository (Plugins.sln not found above the build output).");
    });

    /// <summary>The repository root (the folder of Plugins.sln).</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path under the repository root.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The Release build of the host (checked to exist).</summary>
    public static string HostDll
    {
        get
        {
            var dll = File("src", "Host", "bin", "Release", "net10.0", "replens.dll");
            return System.IO.File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the host first: dotnet build Plugins.sln -c Release ({dll})");
        }
    }

    /// <summary>Runs <see cref="Python"/> with <paramref name="arguments"/>; returns its non-empty output lines, or throws with its error output.</summary>
    public static List<string> RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["PYTHONWARNINGS"] = "ignore";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"python failed ({p.ExitCode}): {error.Result}");
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
