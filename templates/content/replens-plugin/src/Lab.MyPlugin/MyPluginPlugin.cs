using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace Lab.MyPlugin;

/// <summary>
/// The plugin's entry type: RepLens finds the one public class implementing <see cref="IRepLensPlugin"/>,
/// creates it and calls <see cref="ConfigureServices"/> once. Register everything the plugin adds here;
/// the id is what configs name.
/// </summary>
public sealed class MyPluginPlugin : IRepLensPlugin
{
    /// <summary>The id configs use for this plugin's contribution.</summary>
    public const string Id = "my-plugin";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
#if (isTarget)
        services.AddRepresentationalTarget<MyPluginTarget>(Id);
#elif (isModel)
        services.AddModelExtractor<MyPluginExtractor>(Id);
#else
        services.AddBrainDataLoader<MyPluginLoader>(Id);
#endif
}
