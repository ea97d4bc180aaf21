using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace WrongContractVersion;

/// <summary>Built against RepLens.Abstractions 2.0: a 1.x host must refuse it before loading it.</summary>
public sealed class FuturePlugin : IRepLensPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddRepresentationalTarget<FutureTarget>("future-target");
}

public sealed class FutureTarget : IRepresentationalTarget
{
    public string Description => "from the future";

    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    public IConfiguredTarget Open(TargetRequest request) => throw new NotSupportedException("never used");
}
