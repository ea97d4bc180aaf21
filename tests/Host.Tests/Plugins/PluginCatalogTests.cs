using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Host;
using RepLens.Host.Plugins;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Plugins;

public sealed class PluginCatalogTests : IDisposable
{
    private readonly TempDir _root = new("replens-plugins");

    private static string Built(string name) => Path.Combine(AppContext.BaseDirectory, "testplugins", name);

    /// <summary>A plugin root holding copies of the named test plugins.</summary>
    private string RootWith(params string[] plugins)
    {
        var root = Path.Combine(_root.Path, Guid.NewGuid().ToString("N"));
        foreach (var p in plugins) CopyDirectory(Built(p), Path.Combine(root, p));
        Directory.CreateDirectory(root);
        return root;
    }

    private static (PluginCatalog Catalog, ServiceCollection Services) Load(string root)
    {
        var services = new ServiceCollection();
        services.AddReplensCore();
        var catalog = new PluginCatalog();
        catalog.AddHostContributions(services);
        catalog.LoadAll(new[] { root }, services);
        return (catalog, services);
    }

    [Fact]
    public void LoadAll_GoodPlugin_RegistersItsTargetWithManifestData()
    {
        var (catalog, services) = Load(RootWith("Good"));

        var plugin = Assert.Single(catalog.Loaded);
        Assert.Equal("Good", plugin.Name);
        Assert.Equal("1.2.3", plugin.Version);
        Assert.Equal(1, plugin.ContractVersion.Major);
        Assert.Equal(64, plugin.Sha256.Length);
        var contribution = Assert.Single(plugin.Contributions);
        Assert.Equal(ExtensionKind.RepresentationalTarget, contribution.Kind);
        Assert.Equal("good-target", contribution.Id);
        Assert.Empty(catalog.Refused);

        using var sp = services.BuildServiceProvider();
        var target = sp.GetRequiredKeyedService<IRepresentationalTarget>("good-target");
        var table = new StimulusTable(new[]
        {
            new Stimulus("a", "/a.png", null, Array.Empty<string>()),
            new Stimulus("bbb", "/b.png", null, Array.Empty<string>()),
        });
        var rdm = target.Open(new TargetRequest("t", PluginOptions.Empty)).Compute(table, default).ReadyRdm!;
        Assert.Equal(2.0, rdm[0, 1]);
    }

    [Fact]
    public void LoadAll_BrokenPlugin_IsRefusedWithItsErrorAndTheOthersStillLoad()
    {
        var (catalog, _) = Load(RootWith("Broken", "Good"));

        Assert.Equal("Good", Assert.Single(catalog.Loaded).Name);
        var refused = Assert.Single(catalog.Refused);
        Assert.Equal("Broken", refused.Name);
        Assert.Contains("failed while loading", refused.Reason);
        Assert.Contains("deliberately broken test plugin", refused.Reason);
    }

    [Fact]
    public void LoadAll_TwoPluginsWithTheSameId_StopsNamingBoth()
    {
        var root = RootWith("Good", "DuplicateId");

        var e = Assert.Throws<DuplicateExtensionIdException>(() => Load(root));

        Assert.Contains("More than one registration found for representational target 'good-target'", e.Message);
        Assert.Contains("plugin Good", e.Message);
        Assert.Contains("plugin DuplicateId", e.Message);
    }

    [Fact]
    public void LoadAll_PluginTakingABuiltInId_StopsNamingTheHost()
    {
        var root = RootWith("Good");
        var services = new ServiceCollection();
        services.AddReplensCore();
        services.AddRepresentationalTarget<Targets.CategoryModelTarget>("good-target");
        var catalog = new PluginCatalog();
        catalog.AddHostContributions(services);

        var e = Assert.Throws<DuplicateExtensionIdException>(() => catalog.LoadAll(new[] { root }, services));

        Assert.Contains(PluginCatalog.HostOwner, e.Message);
    }

    [Fact]
    public void LoadAll_PluginBuiltAgainstAnotherContractMajor_IsRefusedNamingBothVersions()
    {
        var (catalog, services) = Load(RootWith("WrongContractVersion", "Good"));

        Assert.Equal("Good", Assert.Single(catalog.Loaded).Name);
        var refused = Assert.Single(catalog.Refused);
        Assert.Equal("WrongContractVersion", refused.Name);
        Assert.Contains("built against RepLens.Abstractions 2.0.0", refused.Reason);
        Assert.Contains("this host provides 1.0.0", refused.Reason);
        Assert.DoesNotContain(services, d => d.IsKeyedService && Equals(d.ServiceKey, "future-target"));
    }

    [Fact]
    public void LoadAll_FolderWithoutAssembly_IsRefusedSayingWhatWasExpected()
    {
        var root = RootWith();
        Directory.CreateDirectory(Path.Combine(root, "Empty"));
        File.WriteAllText(Path.Combine(root, "Empty", "notes.txt"), "nothing here");

        var (catalog, _) = Load(root);

        var refused = Assert.Single(catalog.Refused);
        Assert.Contains("no plugin assembly", refused.Reason);
        Assert.Contains("Empty.dll", refused.Reason);
    }

    [Fact]
    public void LoadAll_AssemblyThatIsNotDotNet_IsRefused()
    {
        var root = RootWith();
        Directory.CreateDirectory(Path.Combine(root, "Junk"));
        File.WriteAllText(Path.Combine(root, "Junk", "Junk.dll"), "not an assembly");

        var (catalog, _) = Load(root);

        Assert.Contains("is not a .NET assembly", Assert.Single(catalog.Refused).Reason);
    }

    [Fact]
    public void LoadAll_MissingExtraFolder_Throws()
    {
        var missing = Path.Combine(_root.Path, "does-not-exist");
        var services = new ServiceCollection();
        var e = Assert.Throws<DirectoryNotFoundException>(() => new PluginCatalog().LoadAll(new[] { missing }, services));
        Assert.Contains(missing, e.Message);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
    }

    public void Dispose() => _root.Dispose();
}
