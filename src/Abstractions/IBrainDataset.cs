namespace RepLens.Abstractions;

/// <summary>
/// An opened brain data set: subjects, ROIs and per-subject stimulus ids; responses are loaded one
/// subject and ROI at a time so that a whole data set never needs to be in memory.
/// </summary>
public interface IBrainDataset : IDisposable
{
    /// <summary>Subject ids.</summary>
    IReadOnlyList<string> Subjects { get; }

    /// <summary>ROI names across all subjects.</summary>
    IReadOnlyList<string> Rois { get; }

    /// <summary>
    /// Notes about the data set as a whole, for the host to show the user (e.g. stimuli dropped for too
    /// few repetitions); per-load notes are in <see cref="BrainResponses.Warnings"/>. Empty by default.
    /// </summary>
    IReadOnlyList<string> Warnings => Array.Empty<string>();

    /// <summary>Ids of the stimuli subject <paramref name="subject"/> saw, in the data set's order.</summary>
    /// <param name="subject">A subject id.</param>
    IReadOnlyList<string> StimulusIds(string subject);

    /// <summary>
    /// The responses of <paramref name="subject"/> in <paramref name="roi"/> for
    /// <paramref name="hemisphere"/>, or <c>null</c> when that ROI does not exist for that subject (the
    /// caller reports it; a loader never substitutes another ROI's data).
    /// </summary>
    /// <param name="subject">A subject id.</param>
    /// <param name="roi">A ROI name.</param>
    /// <param name="hemisphere">One hemisphere, or <c>null</c> for both concatenated.</param>
    BrainResponses? Load(string subject, string roi, Hemisphere? hemisphere);
}
