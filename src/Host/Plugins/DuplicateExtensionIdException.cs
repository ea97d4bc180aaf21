namespace RepLens.Host.Plugins;

/// <summary>Two plugins registered the same id for the same extension point: the host cannot choose, so it stops.</summary>
internal sealed class DuplicateExtensionIdException(string message) : Exception(message);
