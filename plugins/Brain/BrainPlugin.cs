using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Plugins.Brain.Algonauts;
using RepLens.Plugins.Brain.Nsd;

namespace RepLens.Plugins.Brain;

/// <summary>
/// The brain data plugin: registers the <c>algonauts</c> loader (Algonauts 2023 layout, Gifford et al.
/// 2023, arXiv:2301.03198) and the <c>nsd-betas</c> loader (NSD single-trial betas in HDF5, Allen et al.
/// 2022, doi:10.1038/s41593-021-00962-x).
/// </summary>
public sealed class BrainPlugin : IRepLensPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddBrainDataLoader<AlgonautsLoader>(AlgonautsLoader.Id)
                .AddBrainDataLoader<NsdBetasLoader>(NsdBetasLoader.Id);
}
