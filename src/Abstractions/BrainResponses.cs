namespace RepLens.Abstractions;

/// <summary>
/// Responses of one subject in one ROI (and hemisphere): a (stimuli × voxels) matrix whose rows are
/// keyed by <see cref="StimulusIds"/>. Repetitions are already averaged.
/// </summary>
/// <param name="Subject">Subject id, e.g. <c>subj01</c>.</param>
/// <param name="Roi">ROI name, e.g. <c>V1v</c> or <c>FFA-1</c>.</param>
/// <param name="Hemisphere">The hemisphere, or <c>null</c> when hemispheres are combined.</param>
/// <param name="StimulusIds">Stimulus id of each row.</param>
/// <param name="Responses">(stimuli × voxels) responses.</param>
public sealed record BrainResponses(
    string Subject,
    string Roi,
    Hemisphere? Hemisphere,
    IReadOnlyList<string> StimulusIds,
    FloatMatrix Responses)
{
    /// <summary>
    /// What the loader changed or noticed while loading, for the host to show the user: voxels dropped
    /// because they are NaN or constant, a hemisphere without that ROI, … Empty when nothing happened.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
