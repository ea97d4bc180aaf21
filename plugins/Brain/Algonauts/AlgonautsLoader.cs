using RepLens.Abstractions;

namespace RepLens.Plugins.Brain.Algonauts;

/// <summary>
/// Reads the Algonauts 2023 challenge layout (Gifford et al. 2023, arXiv:2301.03198), a release of NSD
/// (Allen et al. 2022, doi:10.1038/s41593-021-00962-x) on the cortical surface:
/// <c>subjNN/training_split/training_fmri/{lh,rh}_training_fmri.npy</c> (images × vertices),
/// <c>subjNN/roi_masks/{lh,rh}.&lt;family&gt;_challenge_space.npy</c> with <c>mapping_&lt;family&gt;.npy</c>
/// (or <c>.csv</c>/<c>.json</c>), and <c>subjNN/training_split/training_images/train-0001_nsd-00013.png</c>
/// naming the stimulus of each row. Registered as <c>algonauts</c>; see the plugin's README for options.
/// </summary>
public sealed class AlgonautsLoader : IBrainDataLoader
{
    /// <summary>The id under which the plugin registers this loader.</summary>
    public const string Id = "algonauts";

    /// <inheritdoc />
    public string Description =>
        "Algonauts 2023 layout: subjNN/training_split/training_fmri/{lh,rh}_training_fmri.npy, roi_masks/{lh,rh}.<family>_challenge_space.npy + mapping_<family>.npy|csv|json, stimulus ids from training_images/*_nsd-NNNNN.png";

    /// <inheritdoc />
    public IBrainDataset Open(BrainDataRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AlgonautsDataset.Open(request.Root, request.Options);
    }
}
