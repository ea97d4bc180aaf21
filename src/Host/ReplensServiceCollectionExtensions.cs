using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Host.Targets;

namespace RepLens.Host;

/// <summary>The host's own services: built-in targets, analysis kinds, the run machinery.</summary>
internal static class ReplensServiceCollectionExtensions
{
    public static IServiceCollection AddReplensCore(this IServiceCollection services)
    {
        services.AddSingleton(new MLContext(seed: 0));
        services.AddSingleton<IImageDecoder, Data.HostImageDecoder>();
        services.AddRepresentationalTarget<CategoryModelTarget>(CategoryModelTarget.Id);
        services.AddRepresentationalTarget<VectorsTarget>(VectorsTarget.Id);
        services.AddSingleton<IReadOnlyList<IAnalysisKind>>(sp => sp.GetServices<IAnalysisKind>().ToList());
        services.AddSingleton<IAnalysisKind, Analyses.TargetRsaAnalysis>();
        services.AddSingleton<IAnalysisKind, Analyses.BrainRsaAnalysis>();
        services.AddSingleton<IAnalysisKind, Analyses.CategorySelectivityAnalysis>();
        services.AddSingleton<IAnalysisKind, Analyses.ReceptiveFieldsAnalysis>();
        services.AddSingleton<IAnalysisKind, Analyses.DistractorRsaAnalysis>();
        services.AddSingleton<ConfigLoader>();
        services.AddSingleton<Plugins.ExtensionDirectory>();
        services.AddSingleton<Run.RunExecutor>();
        services.AddSingleton<Run.ModelOpener>();
        services.AddSingleton<Sharding.ShardRunner>();
        services.AddSingleton<Sharding.ShardMerger>();
        services.AddSingleton<Scheduling.ShardSubmitter>();
        services.AddSingleton<Scheduling.IScheduler, Scheduling.SlurmScheduler>();
        return services;
    }
}
