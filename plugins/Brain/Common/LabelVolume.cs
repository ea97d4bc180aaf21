using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.IO;

namespace RepLens.Plugins.Brain.Common;

/// <summary>
/// A ROI mask or label volume as a flat vector of integer labels, one per voxel/vertex, in the order of
/// the data's voxel axis. A 1-D <c>.npy</c> is taken as it is. A 3-D <c>.npy</c> is taken as an (X, Y, Z)
/// volume — the array nibabel's <c>get_fdata()</c> returns — and flattened x fastest, whatever its memory
/// order in the file; a NIfTI image is flattened in its own order, also x fastest. Voxel (x, y, z) is
/// therefore at <c>x + X·(y + Y·z)</c>, the order of a C-order flatten of a (Z, Y, X) array — how NSD's
/// HDF5 betas appear (trials × Z × Y × X).
/// </summary>
internal sealed class LabelVolume
{
    private LabelVolume(string filePath, int[] labels, int[]? dims)
    {
        FilePath = filePath;
        Labels = labels;
        SpatialDimensions = dims;
    }

    public string FilePath { get; }

    public int[] Labels { get; }

    /// <summary>(X, Y, Z) for a volume, <c>null</c> for a 1-D mask.</summary>
    public int[]? SpatialDimensions { get; }

    public int Length => Labels.Length;

    public string ShapeText => SpatialDimensions is null ? $"{Labels.Length} values" : string.Join(" × ", SpatialDimensions) + " (X × Y × Z)";

    public static bool IsMaskFile(string path) =>
        path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ||
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) ||
        path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);

    public static LabelVolume Read(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return FromNpy(path);
        var image = NiftiImage.Read(path);
        var dims = image.Dimensions.ToArray();
        if (dims.Length > 3)
            throw new InvalidDataException($"{path}: a {image.ShapeText} image; a ROI mask must be 3-D (X × Y × Z).");
        return new LabelVolume(path, image.ToLabels(), dims.Length == 3 ? dims : null);
    }

    /// <summary>Indices of the voxels whose label is <paramref name="label"/>, or of all positive labels when it is <c>null</c>.</summary>
    public int[] Select(int? label)
    {
        var list = new List<int>();
        for (int i = 0; i < Labels.Length; i++)
            if (label is { } l ? Labels[i] == l : Labels[i] > 0) list.Add(i);
        return list.ToArray();
    }

    /// <summary>The distinct positive labels.</summary>
    public SortedSet<int> PositiveLabels() => new(Labels.Where(l => l > 0));

    private static LabelVolume FromNpy(string path)
    {
        NpyArray<long> a;
        try
        {
            a = Npy.ReadInt64(path);
        }
        catch (NpyFormatException e) when (e.Problem.Contains("not an integer", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{e.Message} A ROI mask must hold integer labels.", e);
        }
        var labels = new int[a.Data.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            long v = a.Data[i];
            if (v is < int.MinValue or > int.MaxValue)
                throw new InvalidDataException($"{path}: element {i} is {v}, outside the range of a ROI label.");
            labels[i] = (int)v;
        }
        switch (a.Rank)
        {
            case 1:
                return new LabelVolume(path, labels, null);
            case 3:
                {
                    int nx = a.Dimension(0), ny = a.Dimension(1), nz = a.Dimension(2);
                    var flat = new int[labels.Length];
                    // labels is C order (x, y, z) → index (x·ny + y)·nz + z; the result is x fastest.
                    for (int x = 0; x < nx; x++)
                        for (int y = 0; y < ny; y++)
                            for (int z = 0; z < nz; z++)
                                flat[x + nx * (y + ny * z)] = labels[(x * ny + y) * nz + z];
                    return new LabelVolume(path, flat, [nx, ny, nz]);
                }
            default:
                throw new InvalidDataException(
                    $"{path}: a mask of shape ({string.Join(", ", a.Shape)}); expected 1-D (one label per vertex/voxel) or 3-D (X, Y, Z).");
        }
    }
}
