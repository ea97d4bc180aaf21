using RepLens.Abstractions;
using RepLens.Host.Configuration;

namespace RepLens.Host.Run;

/// <summary>
/// The validated inputs of a run: the config, the stimuli kept (and those skipped, with why), the key of
/// the stimulus set, and the opened models and targets. Disposing releases the models.
/// </summary>
internal sealed record RunInputs(
    RunConfig Config,
    StimulusTable Stimuli,
    IReadOnlyList<(string Id, string Path, string Problem)> Skipped,
    string SetKey,
    IReadOnlyList<ModelSession> Models,
    IReadOnlyList<TargetSession> Targets) : IDisposable
{
    public void Dispose()
    {
        foreach (var m in Models) m.Model.Dispose();
    }
}
