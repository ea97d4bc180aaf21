namespace RepLens.Abstractions;

/// <summary>What the host asks a brain data loader to open.</summary>
/// <param name="Name">The name the user gave the data set.</param>
/// <param name="Root">Absolute path of the data folder.</param>
/// <param name="Options">Loader-specific options (subjects, ROI families, z-scoring, …).</param>
public sealed record BrainDataRequest(string Name, string Root, PluginOptions Options);
