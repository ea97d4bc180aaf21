namespace RepLens.Abstractions;

/// <summary>What the host asks a target to prepare.</summary>
/// <param name="Name">The name the user gave the target (used in outputs).</param>
/// <param name="Options">Target-specific options from the config.</param>
public sealed record TargetRequest(string Name, PluginOptions Options);
