using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Plugins.ViT;

/// <summary>Registers the <c>vit</c> model extractor.</summary>
public sealed class ViTPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddModelExtractor<ViTExtractor>(ViTExtractor.Id);
}
