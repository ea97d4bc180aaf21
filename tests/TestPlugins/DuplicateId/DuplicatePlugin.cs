using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace DuplicateId;

/// <summary>Registers the id that the Good plugin also registers: the host must stop and name both.</summary>
public sealed class DuplicatePlugin : IRepLensPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddRepresentationalTarget<Good2Target>("good-target");
}

public sealed class Good2Target : IRepresentationalTarget
{
    public string Description => "duplicate";

    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    public IConfiguredTarget Open(TargetRequest request) => throw new NotSupportedException("never used");
}
