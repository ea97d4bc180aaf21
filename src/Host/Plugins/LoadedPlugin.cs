using RepLens.Abstractions;

namespace RepLens.Host.Plugins;

/// <summary>A plugin that loaded: where it is, what it is, and what it contributes.</summary>
internal sealed record LoadedPlugin(
    string Name,
    string Folder,
    string AssemblyPath,
    string Version,
    Version ContractVersion,
    string Sha256,
    PluginManifest? Manifest,
    IReadOnlyList<ExtensionRegistration> Contributions);
