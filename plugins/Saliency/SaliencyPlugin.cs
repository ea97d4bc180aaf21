using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// Entry type of the saliency plugin: registers the <c>itti-koch</c> target (built-in Itti–Koch
/// saliency), the <c>saliency-maps</c> target (precomputed maps) and the <c>onnx-saliency</c> target
/// (a user's ONNX saliency model).
/// </summary>
public sealed class SaliencyPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services
            .AddRepresentationalTarget<IttiKochTarget>("itti-koch")
            .AddRepresentationalTarget<SaliencyMapsTarget>("saliency-maps")
            .AddRepresentationalTarget<OnnxSaliencyTarget>("onnx-saliency");
}
