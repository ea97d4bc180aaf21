using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Plugins.Clip.Semantics;

namespace RepLens.Plugins.Clip;

/// <summary>
/// Registers the <c>clip</c> model extractor (image encoders) and the <c>captions</c> target (caption
/// semantics: the built-in all-MiniLM-L6-v2, a CLIP text tower, or any BERT-style sentence encoder).
/// </summary>
public sealed class ClipPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services
            .AddModelExtractor<ClipImageExtractor>(ClipImageExtractor.Id)
            .AddRepresentationalTarget<CaptionsTarget>(CaptionsTarget.Id);
}
