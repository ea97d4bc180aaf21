using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Plugins.ResNet;

/// <summary>Registers the <c>resnet</c> model extractor.</summary>
public sealed class ResNetPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddModelExtractor<ResNetExtractor>(ResNetExtractor.Id);
}
