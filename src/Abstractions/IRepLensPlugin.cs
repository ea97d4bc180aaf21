using Microsoft.Extensions.DependencyInjection;

namespace RepLens.Abstractions;

/// <summary>
/// The one entry type of a plugin assembly. The host finds the public non-abstract class that
/// implements this interface, creates it with its parameterless constructor and calls
/// <see cref="ConfigureServices"/> once, where the plugin registers its contributions with
/// <see cref="RepLensServiceCollectionExtensions"/>:
/// <code>
/// public sealed class MyPlugin : IRepLensPlugin
/// {
///     public void ConfigureServices(IServiceCollection services) =>
///         services.AddRepresentationalTarget&lt;EdgeDensityTarget&gt;("edge-density");
/// }
/// </code>
/// </summary>
public interface IRepLensPlugin
{
    /// <summary>Registers this plugin's extractors, targets and loaders into the host's services.</summary>
    /// <param name="services">The host's service collection.</param>
    void ConfigureServices(IServiceCollection services);
}
