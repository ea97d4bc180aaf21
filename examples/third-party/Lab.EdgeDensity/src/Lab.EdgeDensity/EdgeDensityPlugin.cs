using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace Lab.EdgeDensity;

/// <summary>
/// The plugin's entry type: RepLens finds the one public class implementing <see cref="IRepLensPlugin"/>,
/// creates it and calls <see cref="ConfigureServices"/> once. Register everything the plugin adds here;
/// the id is what configs name.
/// </summary>
public sealed class EdgeDensityPlugin : IRepLensPlugin
{
    /// <summary>The id configs use for this plugin's contribution.</summary>
    public const string Id = "edge-density";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddRepresentationalTarget<EdgeDensityTarget>(Id);
}
