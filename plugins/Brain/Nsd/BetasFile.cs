using System.IO.MemoryMappedFiles;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>
/// One session's betas in an HDF5 file, read with PureHDF: a dataset of (trials × voxels) or
/// (trials × Z × Y × X) numbers — NSD's volume betas as h5py shows them. Voxel v of a 4-D dataset is
/// (x, y, z) with v = x + X·(y + Y·z): the C-order flatten of (Z, Y, X), which is NIfTI's x-fastest
/// order. <see cref="ReadVoxels"/> reads the bounding box of the requested voxels, a block of trials at a
/// time, so that memory stays bounded whatever the file's size.
/// </summary>
internal sealed class BetasFile : IDisposable
{
    private const long BlockBytes = 8L << 20;

    private readonly NativeFile _file;
    private readonly NativeDataset _dataset;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;

    private BetasFile(string path, string datasetPath, NativeFile file, NativeDataset dataset, ulong[] dims, ElementKind kind)
    {
        FilePath = path;
        DatasetPath = datasetPath;
        _file = file;
        _dataset = dataset;
        Dimensions = dims;
        Kind = kind;
    }

    public enum ElementKind { Int8, UInt8, Int16, UInt16, Int32, UInt32, Float32, Float64 }

    public string FilePath { get; }

    public string DatasetPath { get; }

    /// <summary>The dataset's dimensions: (trials, voxels) or (trials, Z, Y, X).</summary>
    public ulong[] Dimensions { get; }

    public ElementKind Kind { get; }

    public int Trials => (int)Dimensions[0];

    public long Voxels => Dimensions.Skip(1).Aggregate(1L, (a, d) => a * (long)d);

    /// <summary>(X, Y, Z) for a 4-D dataset, <c>null</c> for a 2-D one.</summary>
    public int[]? SpatialDimensions => Dimensions.Length == 4 ? [(int)Dimensions[3], (int)Dimensions[2], (int)Dimensions[1]] : null;

    public string ShapeText => Dimensions.Length == 4
        ? $"{Dimensions[0]} trials × {Dimensions[1]} × {Dimensions[2]} × {Dimensions[3]} (trials × Z × Y × X)"
        : $"{Dimensions[0]} trials × {Dimensions[1]} voxels";

    /// <summary>Opens a betas file; <paramref name="memoryMapped"/> maps it (much faster hyperslab reads in PureHDF, see the README).</summary>
    public static BetasFile Open(string path, string datasetPath, bool memoryMapped = true)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The betas file {path} does not exist.", path);
        NativeFile file;
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            if (memoryMapped && new FileInfo(path).Length > 0)
            {
                map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
                view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                file = H5File.Open(view);
            }
            else
            {
                file = H5File.OpenRead(path);
            }
        }
        catch (Exception e) when (e is not IOException || e is EndOfStreamException)
        {
            view?.Dispose();
            map?.Dispose();
            throw new InvalidDataException($"{path}: not a readable HDF5 file ({e.Message}).", e);
        }
        try
        {
            if (!file.LinkExists(datasetPath))
                throw new InvalidDataException(
                    $"{path}: no dataset '{datasetPath}'; it has: {string.Join(", ", file.Children().Select(c => c.Name))}. Set options.dataset.");
            if (file.Get(datasetPath) is not NativeDataset ds)
                throw new InvalidDataException($"{path}: '{datasetPath}' is not a dataset.");
            var dims = ds.Space.Dimensions;
            if (dims.Length is not (2 or 4))
                throw new InvalidDataException(
                    $"{path}: dataset '{datasetPath}' has shape ({string.Join(", ", dims)}); expected (trials, voxels) or (trials, Z, Y, X).");
            if (dims.Any(d => d == 0 || d > int.MaxValue))
                throw new InvalidDataException($"{path}: dataset '{datasetPath}' has shape ({string.Join(", ", dims)}).");
            var kind = KindOf(path, datasetPath, ds.Type);
            return new BetasFile(path, datasetPath, file, ds, dims, kind) { _map = map, _view = view };
        }
        catch
        {
            file.Dispose();
            view?.Dispose();
            map?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads every trial of the given voxels (indices into the flattened voxel axis, any order) as
    /// float32 divided by <paramref name="scale"/>: (trials × voxels.Length), row-major.
    /// </summary>
    public float[] ReadVoxels(IReadOnlyList<int> voxels, double scale)
    {
        int k = voxels.Count;
        var result = new float[(long)Trials * k];
        if (k == 0) return result;
        float inv = (float)(1.0 / scale);

        // Bounding box of the voxels in the dataset's spatial axes, and each voxel's offset inside it.
        var spatial = Dimensions.Skip(1).Select(d => (long)d).ToArray();
        var lo = Enumerable.Repeat(long.MaxValue, spatial.Length).ToArray();
        var hi = new long[spatial.Length];
        var coords = new long[k][];
        for (int j = 0; j < k; j++)
        {
            long v = voxels[j];
            if (v < 0 || v >= Voxels) throw new ArgumentOutOfRangeException(nameof(voxels), $"{FilePath}: voxel {v} is outside the {Voxels} voxels of {ShapeText}.");
            var c = new long[spatial.Length];
            for (int a = spatial.Length - 1; a >= 0; a--) { c[a] = v % spatial[a]; v /= spatial[a]; }
            coords[j] = c;
            for (int a = 0; a < c.Length; a++) { lo[a] = Math.Min(lo[a], c[a]); hi[a] = Math.Max(hi[a], c[a]); }
        }
        var box = lo.Select((l, a) => hi[a] - l + 1).ToArray();
        long boxSize = box.Aggregate(1L, (a, b) => a * b);
        var offsets = new long[k];
        for (int j = 0; j < k; j++)
        {
            long o = 0;
            for (int a = 0; a < box.Length; a++) o = o * box[a] + (coords[j][a] - lo[a]);
            offsets[j] = o;
        }

        int perBlock = (int)Math.Clamp(BlockBytes / Math.Max(1, boxSize * ElementSize), 1, Trials);
        var block = System.Buffers.ArrayPool<float>.Shared.Rent((int)(perBlock * boxSize));
        try
        {
            for (int t0 = 0; t0 < Trials; t0 += perBlock)
            {
                int tb = Math.Min(perBlock, Trials - t0);
                var start = new ulong[Dimensions.Length];
                var count = new ulong[Dimensions.Length];
                start[0] = (ulong)t0;
                count[0] = (ulong)tb;
                for (int a = 0; a < box.Length; a++) { start[a + 1] = (ulong)lo[a]; count[a + 1] = (ulong)box[a]; }
                var values = block.AsSpan(0, (int)(tb * boxSize));
                Read(start, count, values);
                for (int t = 0; t < tb; t++)
                {
                    var src = values.Slice((int)(t * boxSize), (int)boxSize);
                    var dst = result.AsSpan((t0 + t) * k, k);
                    for (int j = 0; j < k; j++) dst[j] = src[(int)offsets[j]] * inv;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(block);
        }
        return result;
    }

    public void Dispose()
    {
        _file.Dispose();
        _view?.Dispose();
        _map?.Dispose();
    }

    private int ElementSize => Kind switch
    {
        ElementKind.Int8 or ElementKind.UInt8 => 1,
        ElementKind.Int16 or ElementKind.UInt16 => 2,
        ElementKind.Float64 => 8,
        _ => 4,
    };

    private void Read(ulong[] start, ulong[] count, Span<float> destination)
    {
        var ones = Enumerable.Repeat(1UL, start.Length).ToArray();
        var selection = new HyperslabSelection(start.Length, start, ones, count, ones);
        try
        {
            switch (Kind)
            {
                case ElementKind.Float32: _dataset.Read(destination, selection, null, [(ulong)destination.Length]); break;
                case ElementKind.Float64: Convert<double>(selection, destination); break;
                case ElementKind.Int8: Convert<sbyte>(selection, destination); break;
                case ElementKind.UInt8: Convert<byte>(selection, destination); break;
                case ElementKind.Int16: Convert<short>(selection, destination); break;
                case ElementKind.UInt16: Convert<ushort>(selection, destination); break;
                case ElementKind.Int32: Convert<int>(selection, destination); break;
                case ElementKind.UInt32: Convert<uint>(selection, destination); break;
            }
        }
        catch (Exception e) when (e.Message.Contains("Byte order", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{FilePath}: dataset '{DatasetPath}' is big-endian, which PureHDF cannot read; rewrite it little-endian, e.g. in Python: " +
                "f2.create_dataset('betas', data=f['betas'][...].astype(f['betas'].dtype.newbyteorder('<'))).", e);
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{FilePath}: reading dataset '{DatasetPath}' failed ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private void Convert<T>(HyperslabSelection selection, Span<float> destination) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var buffer = System.Buffers.ArrayPool<T>.Shared.Rent(destination.Length);
        try
        {
            var span = buffer.AsSpan(0, destination.Length);
            _dataset.Read(span, selection, null, [(ulong)destination.Length]);
            for (int i = 0; i < span.Length; i++) destination[i] = float.CreateTruncating(span[i]);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(buffer);
        }
    }

    private static ElementKind KindOf(string path, string datasetPath, IH5DataType type)
    {
        return type.Class switch
        {
            H5DataTypeClass.FixedPoint => (type.Size, type.FixedPoint.IsSigned) switch
            {
                (1, true) => ElementKind.Int8,
                (1, false) => ElementKind.UInt8,
                (2, true) => ElementKind.Int16,
                (2, false) => ElementKind.UInt16,
                (4, true) => ElementKind.Int32,
                (4, false) => ElementKind.UInt32,
                _ => throw Unsupported(path, datasetPath, $"{type.Size * 8}-bit integers"),
            },
            H5DataTypeClass.FloatingPoint => type.Size switch
            {
                4 => ElementKind.Float32,
                8 => ElementKind.Float64,
                _ => throw Unsupported(path, datasetPath, $"{type.Size * 8}-bit floats"),
            },
            _ => throw Unsupported(path, datasetPath, type.Class.ToString()),
        };
    }

    private static InvalidDataException Unsupported(string path, string datasetPath, string what) =>
        new($"{path}: dataset '{datasetPath}' holds {what}; betas must be 8/16/32-bit integers or 32/64-bit floats.");
}
