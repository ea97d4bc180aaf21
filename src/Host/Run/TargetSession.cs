using RepLens.Abstractions;
using RepLens.Host.Configuration;

namespace RepLens.Host.Run;

/// <summary>A target of a run: its config entry, the configured target and the metric for its RDM.</summary>
internal sealed record TargetSession(TargetConfig Config, IConfiguredTarget Target, DistanceMetric Metric)
{
    public string Name => Config.Name;
}
