using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Plugins.Clip;

/// <summary>Registers the <c>clip</c> model extractor (image encoders).</summary>
public sealed class ClipPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddModelExtractor<ClipImageExtractor>(ClipImageExtractor.Id);
}
