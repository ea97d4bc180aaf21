using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>One entry of <c>brain</c>: an fMRI data set read by a brain data loader.</summary>
internal sealed record BrainConfig(string Name, string Loader, string Root, PluginOptions Options, string Path);
