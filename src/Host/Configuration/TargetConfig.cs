using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>One entry of <c>targets</c>: a representational target of a registered kind.</summary>
internal sealed record TargetConfig(
    string Name,
    string Kind,
    DistanceMetric? Metric,
    PluginOptions Options,
    string Path);
