using RepLens.Abstractions;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>
/// Reads NSD single-trial betas (Allen et al. 2022, doi:10.1038/s41593-021-00962-x): one HDF5 file per
/// session, (trials × voxels) or (trials × Z × Y × X); a CSV trial table (session, trial, stimulus);
/// ROI label volumes as NIfTI-1 or <c>.npy</c>. Z-scores each voxel within each session (optional) and
/// averages repetitions. Registered as <c>nsd-betas</c>; see the plugin's README for the layout and options.
/// </summary>
public sealed class NsdBetasLoader : IBrainDataLoader
{
    /// <summary>The id under which the plugin registers this loader.</summary>
    public const string Id = "nsd-betas";

    /// <inheritdoc />
    public string Description =>
        "NSD betas: HDF5 per session (trials × voxels or trials × Z × Y × X), trial table CSV (session, trial, stimulus), ROI masks .nii/.nii.gz/.npy; per-session z-scoring, repetition averaging";

    /// <inheritdoc />
    public IBrainDataset Open(BrainDataRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return NsdBetasDataset.Open(request.Root, request.Options);
    }
}
