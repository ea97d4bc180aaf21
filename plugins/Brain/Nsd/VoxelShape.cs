using RepLens.Plugins.Brain.Common;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>The voxel axis of a betas source, and the mask shapes that fit it.</summary>
internal sealed class VoxelShape(string betasFile, ulong[] dims, long voxels, int[]? spatial, string shapeText)
{
    public long Voxels { get; } = voxels;

    /// <summary>The betas' dimensions after the trial axis.</summary>
    public ulong[] Dims { get; } = dims;

    public string Text { get; } = shapeText;

    public void Check(LabelVolume mask)
    {
        if (spatial is not null && mask.SpatialDimensions is { } m)
        {
            if (m.SequenceEqual(spatial)) return;
            string hint = m.SequenceEqual(spatial.Reverse())
                ? " The mask's axes are reversed: betas of (trials × Z × Y × X) need a mask of X × Y × Z (a NIfTI file, or nibabel's get_fdata()); transpose it."
                : "";
            throw new InvalidDataException(
                $"The ROI mask {mask.FilePath} is {mask.ShapeText} but the betas {betasFile} are {Text}, i.e. a volume of {string.Join(" × ", spatial)} (X × Y × Z).{hint}");
        }
        if (mask.Length != Voxels)
            throw new InvalidDataException(
                $"The ROI mask {mask.FilePath} has {mask.Length} voxels ({mask.ShapeText}) but the betas {betasFile} have {Voxels} ({Text}); " +
                "the mask must have one label per voxel of the betas, in the same order (x fastest).");
    }
}
