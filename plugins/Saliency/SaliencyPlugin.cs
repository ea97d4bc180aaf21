using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Entry type of the saliency plugin: registers the <c>itti-koch</c> target (built-in Itti–Koch
/// saliency) and the <c>saliency-maps</c> target (precomputed maps).
/// </summary>
public sealed class SaliencyPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services
            .AddRepresentationalTarget<IttiKochTarget>("itti-koch")
            .AddRepresentationalTarget<SaliencyMapsTarget>("saliency-maps");
}
