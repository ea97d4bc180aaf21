namespace RepLens.Host.Plugins;

/// <summary>A plugin folder that was found but not loaded, and why.</summary>
internal sealed record RefusedPlugin(string Name, string Folder, string Reason);
