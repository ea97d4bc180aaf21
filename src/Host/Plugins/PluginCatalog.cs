using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using RepLens.Abstractions;

namespace RepLens.Host.Plugins;

/// <summary>
/// Discovers plugin folders, checks each plugin's contract version before loading it, loads it with
/// McMaster.NETCore.Plugins in its own load context (the contracts, ML.NET, ONNX Runtime and
/// TorchSharp shared with the host), and registers its contributions. A plugin that throws while
/// loading is refused and the rest still load; two plugins registering the same id stop the host.
/// </summary>
internal sealed class PluginCatalog
{
    public const string HostOwner = "replens (built in)";

    private readonly List<LoadedPlugin> _loaded = new();
    private readonly List<RefusedPlugin> _refused = new();
    private readonly Dictionary<(ExtensionKind, string), string> _owners = new();

    public IReadOnlyList<LoadedPlugin> Loaded => _loaded;

    public IReadOnlyList<RefusedPlugin> Refused => _refused;

    public IReadOnlyList<string> SearchedFolders { get; private set; } = Array.Empty<string>();

    /// <summary>The default plugin folder: <c>plugins/</c> beside the host binary.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The folder each registered id came from, or <see cref="HostOwner"/>.</summary>
    public string OwnerOf(ExtensionKind kind, string id) => _owners.TryGetValue((kind, id), out var o) ? o : "unknown";

    /// <summary>Records the host's own registrations so that a plugin cannot take their ids.</summary>
    public void AddHostContributions(IServiceCollection hostServices)
    {
        foreach (var r in hostServices.Select(d => d.ImplementationInstance).OfType<ExtensionRegistration>())
            _owners[(r.Kind, r.Id)] = HostOwner;
    }

    /// <summary>
    /// Loads every plugin found in <paramref name="roots"/> (each subfolder is one plugin) into
    /// <paramref name="services"/>. Missing roots other than the default are an error.
    /// </summary>
    public void LoadAll(IEnumerable<string> roots, IServiceCollection services)
    {
        var searched = new List<string>();
        foreach (var root in roots.Select(Path.GetFullPath).Distinct())
        {
            searched.Add(root);
            if (!Directory.Exists(root))
            {
                if (root != Path.GetFullPath(DefaultFolder))
                    throw new DirectoryNotFoundException($"Plugin folder '{root}' does not exist.");
                continue;
            }
            foreach (var folder in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
                LoadOne(folder, services);
        }
        SearchedFolders = searched;
    }

    private void LoadOne(string folder, IServiceCollection services)
    {
        var name = Path.GetFileName(folder);
        PluginManifest? manifest;
        try
        {
            manifest = PluginManifest.TryRead(folder);
        }
        catch (InvalidDataException e)
        {
            _refused.Add(new RefusedPlugin(name, folder, e.Message));
            return;
        }

        var assemblyPath = FindAssembly(folder, name, manifest);
        if (assemblyPath is null)
        {
            _refused.Add(new RefusedPlugin(name, folder,
                $"no plugin assembly: expected {PluginManifest.FileName} naming it (\"assembly\"), {name}.dll or one *.{name}.dll in {folder}."));
            return;
        }

        // Check the contract version from metadata, before anything is loaded.
        Version? builtAgainst;
        try
        {
            builtAgainst = ReferencedContractVersion(assemblyPath);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException)
        {
            _refused.Add(new RefusedPlugin(name, folder, $"{assemblyPath} is not a .NET assembly ({e.Message})."));
            return;
        }
        var host = RepLensContract.Version;
        if (builtAgainst is null)
        {
            _refused.Add(new RefusedPlugin(name, folder,
                $"{Path.GetFileName(assemblyPath)} does not reference RepLens.Abstractions: not a RepLens plugin."));
            return;
        }
        if (!RepLensContract.IsCompatible(builtAgainst, host))
        {
            _refused.Add(new RefusedPlugin(name, folder,
                $"built against RepLens.Abstractions {Format(builtAgainst)}, but this host provides {Format(host)}; " +
                $"a plugin must be built against {host.Major}.x with minor version ≤ {host.Minor}. Rebuild it against RepLens.Abstractions {Format(host)}."));
            return;
        }
        if (manifest?.ContractVersion is { } declared && Version.TryParse(declared, out var dv) && (dv.Major != builtAgainst.Major || dv.Minor != builtAgainst.Minor))
        {
            _refused.Add(new RefusedPlugin(name, folder,
                $"{PluginManifest.FileName} declares contractVersion {declared} but the assembly was built against RepLens.Abstractions {Format(builtAgainst)}; fix the manifest."));
            return;
        }

        var local = new ServiceCollection();
        try
        {
            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath,
                sharedTypes: new[] { typeof(IRepLensPlugin), typeof(IServiceCollection), typeof(IDataView), typeof(MLContext) },
                configure: c => c.PreferSharedTypes = true);
            var assembly = loader.LoadDefaultAssembly();
            var entryTypes = GetLoadableTypes(assembly)
                .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IRepLensPlugin).IsAssignableFrom(t))
                .ToList();
            if (entryTypes.Count != 1)
            {
                _refused.Add(new RefusedPlugin(name, folder, entryTypes.Count == 0
                    ? $"{Path.GetFileName(assemblyPath)} has no public class implementing IRepLensPlugin."
                    : $"{Path.GetFileName(assemblyPath)} has {entryTypes.Count} classes implementing IRepLensPlugin ({string.Join(", ", entryTypes.Select(t => t.FullName))}); a plugin has exactly one entry type."));
                return;
            }
            var entry = (IRepLensPlugin)(Activator.CreateInstance(entryTypes[0])
                ?? throw new InvalidOperationException($"Could not create {entryTypes[0].FullName}."));
            entry.ConfigureServices(local);
        }
        catch (Exception e)
        {
            var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            _refused.Add(new RefusedPlugin(name, folder, $"failed while loading: {inner.GetType().Name}: {inner.Message}"));
            return;
        }

        var contributions = local.Select(d => d.IsKeyedService ? null : d.ImplementationInstance)
            .OfType<ExtensionRegistration>().ToList();
        foreach (var c in contributions)
        {
            if (_owners.TryGetValue((c.Kind, c.Id), out var owner))
                throw new DuplicateExtensionIdException(
                    $"More than one registration found for {Describe(c.Kind)} '{c.Id}': by {owner} and by plugin {name} ({folder}). " +
                    "Ids must be unique across plugins: remove one of the plugins or rename the id in one of them.");
        }
        foreach (var c in contributions) _owners[(c.Kind, c.Id)] = $"plugin {name} ({folder})";
        foreach (var d in local) services.Add(d);

        var version = manifest?.Version
            ?? FileVersionOf(assemblyPath)
            ?? "unknown";
        _loaded.Add(new LoadedPlugin(name, folder, assemblyPath, version, builtAgainst, Sha256(assemblyPath), manifest, contributions));
    }

    public static string Describe(ExtensionKind kind) => kind switch
    {
        ExtensionKind.ModelExtractor => "model extractor",
        ExtensionKind.RepresentationalTarget => "representational target",
        ExtensionKind.BrainDataLoader => "brain data loader",
        _ => kind.ToString(),
    };

    private static string? FindAssembly(string folder, string name, PluginManifest? manifest)
    {
        if (manifest?.Assembly is { Length: > 0 } a)
        {
            var p = Path.Combine(folder, a);
            return File.Exists(p) ? p : null;
        }
        var byName = Path.Combine(folder, name + ".dll");
        if (File.Exists(byName)) return byName;
        // Conventional project naming: plugins/ResNet/RepLens.Plugins.ResNet.dll
        var suffixed = Directory.GetFiles(folder, "*." + name + ".dll");
        return suffixed.Length == 1 ? suffixed[0] : null;
    }

    private static Version? ReferencedContractVersion(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) throw new BadImageFormatException("no .NET metadata");
        var md = pe.GetMetadataReader();
        foreach (var h in md.AssemblyReferences)
        {
            var r = md.GetAssemblyReference(h);
            if (md.GetString(r.Name) == "RepLens.Abstractions") return r.Version;
        }
        return null;
    }

    private static IEnumerable<Type> GetLoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null);
            throw new InvalidOperationException(
                $"types of {assembly.GetName().Name} could not be loaded ({first?.Message ?? e.Message}); is a dependency missing from the plugin folder?", e);
        }
    }

    private static string? FileVersionOf(string path)
    {
        var v = System.Diagnostics.FileVersionInfo.GetVersionInfo(path);
        return v.ProductVersion is { Length: > 0 } pv ? pv.Split('+')[0] : v.FileVersion;
    }

    private static string Format(Version v) => $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";

    private static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
