namespace RepLens.Abstractions;

/// <summary>
/// A layout of fMRI data a lab holds (Algonauts, NSD betas, …). Registered with
/// <see cref="RepLensServiceCollectionExtensions.AddBrainDataLoader{T}"/>; the id is the layout name used
/// in configs (<c>"loader": "algonauts"</c>).
/// </summary>
public interface IBrainDataLoader
{
    /// <summary>One line saying what layout this reads, for <c>replens plugins</c>.</summary>
    string Description { get; }

    /// <summary>Opens a data set; throws naming the file and what was expected when the layout does not match.</summary>
    /// <param name="request">Folder and options.</param>
    IBrainDataset Open(BrainDataRequest request);
}
