using System.Reflection;

namespace RepLens.TestSupport;

/// <summary>Paths inside the repository, for fixtures and built outputs.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The built host (replens.dll) of the same configuration as the tests.</summary>
    public static string HostDll => Path.Combine(Root, "src", "Host", "bin", Configuration, "net10.0", "replens.dll");

    private static string FindRoot()
    {
        var fromBuild = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (fromBuild is not null && File.Exists(Path.Combine(fromBuild, "Plugins.sln"))) return Path.GetFullPath(fromBuild);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Plugins.sln) above " + AppContext.BaseDirectory);
    }
}
