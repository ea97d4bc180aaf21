using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RepLens.Plugins.Brain.IO;

/// <summary>
/// A NIfTI-1 image (<c>.nii</c> or gzip-compressed <c>.nii.gz</c>) read whole: dimensions, data type,
/// <c>scl_slope</c>/<c>scl_inter</c> applied, values in the file's own order — Fortran order, x fastest:
/// the value of voxel (x, y, z) is at <c>x + nx·(y + ny·z)</c>. A strict reader for ROI masks and label
/// volumes: it refuses NIfTI-2, the two-file <c>.hdr</c>/<c>.img</c> form, complex/RGB/float128 data
/// and any header that is inconsistent with the file's size, each with a message naming the file.
/// </summary>
/// <remarks>Format: https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h (Cox et al. 2004).</remarks>
public sealed class NiftiImage
{
    private const int Nifti1HeaderSize = 348;
    private const int Nifti2HeaderSize = 540;
    private const long MaxVoxels = 1L << 26;
    private const int MaxExtensionBytes = 16 << 20;

    private NiftiImage(string filePath, int[] dimensions, NiftiDataType dataType, double slope, double intercept, double[] values)
    {
        FilePath = filePath;
        Dimensions = dimensions;
        DataType = dataType;
        ScaleSlope = slope;
        ScaleIntercept = intercept;
        Values = values;
    }

    /// <summary>The file read.</summary>
    public string FilePath { get; }

    /// <summary>The image dimensions <c>dim[1..dim[0]]</c> (nx, ny, nz, …), trailing singleton dimensions removed down to three.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The stored data type.</summary>
    public NiftiDataType DataType { get; }

    /// <summary>The <c>scl_slope</c> applied (1 when the header's is 0 or not finite, as the standard says).</summary>
    public double ScaleSlope { get; }

    /// <summary>The <c>scl_inter</c> applied (0 when no scaling applies).</summary>
    public double ScaleIntercept { get; }

    /// <summary>The scaled values in file order (x fastest); length = product of <see cref="Dimensions"/>.</summary>
    public double[] Values { get; }

    /// <summary>Number of voxels.</summary>
    public int VoxelCount => Values.Length;

    /// <summary>The dimensions written as <c>81 × 104 × 83</c>.</summary>
    public string ShapeText => string.Join(" × ", Dimensions);

    /// <summary>Reads a <c>.nii</c> or <c>.nii.gz</c> file (compression is detected from the content, not the name).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a NIfTI-1 image RepLens can read; the message says why.</exception>
    public static NiftiImage Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such NIfTI file.", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Parse(path, stream, gzip);
        }
        catch (InvalidDataException e) when (gzip && !e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: starts like a gzip file but cannot be decompressed ({e.Message}).", e);
        }
    }

    /// <summary>
    /// The values as integer labels (for label volumes and masks). Every value must be a whole number in
    /// int32 range after scaling.
    /// </summary>
    /// <exception cref="InvalidDataException">A value is not a whole number.</exception>
    public int[] ToLabels()
    {
        var labels = new int[Values.Length];
        for (int i = 0; i < Values.Length; i++)
        {
            double v = Values[i];
            if (double.IsNaN(v)) { labels[i] = 0; continue; }
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                throw new InvalidDataException(
                    $"{FilePath}: voxel {i} (x fastest) is {v}, not a whole number; a mask or label volume must hold integer labels ({DataType}, scl_slope {ScaleSlope}, scl_inter {ScaleIntercept}).");
            labels[i] = (int)v;
        }
        return labels;
    }

    private static NiftiImage Parse(string path, Stream stream, bool gzip)
    {
        string what = gzip ? "decompressed file" : "file";
        var b = new byte[Nifti1HeaderSize];
        int headerBytes = stream.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
        if (headerBytes < 4)
            throw new InvalidDataException($"{path}: not a NIfTI-1 file: {headerBytes} bytes, shorter than a header.");
        int sizeLe = BinaryPrimitives.ReadInt32LittleEndian(b);
        int sizeBe = BinaryPrimitives.ReadInt32BigEndian(b);
        bool little;
        if (sizeLe == Nifti1HeaderSize) little = true;
        else if (sizeBe == Nifti1HeaderSize) little = false;
        else if (sizeLe == Nifti2HeaderSize || sizeBe == Nifti2HeaderSize)
            throw new InvalidDataException(
                $"{path}: a NIfTI-2 file; RepLens reads NIfTI-1 only. Convert it, e.g. in Python: nibabel.save(nibabel.Nifti1Image(img.get_fdata(), img.affine), 'mask.nii.gz').");
        else
            throw new InvalidDataException($"{path}: not a NIfTI-1 file: sizeof_hdr is {sizeLe}, expected 348.");
        if (headerBytes < Nifti1HeaderSize)
            throw new InvalidDataException($"{path}: truncated: the {what} has {headerBytes} bytes, fewer than the 348-byte NIfTI-1 header.");

        string magic = Encoding.ASCII.GetString(b, 344, 3);
        if (magic == "ni1")
            throw new InvalidDataException($"{path}: a two-file NIfTI-1 header (.hdr/.img, magic 'ni1'); RepLens reads single-file .nii/.nii.gz images (magic 'n+1').");
        if (magic != "n+1" || b[347] != 0)
            throw new InvalidDataException($"{path}: not a NIfTI-1 image: the magic at byte 344 is '{Printable(b, 344, 4)}', expected 'n+1\\0' (an ANALYZE 7.5 file?).");

        short I16(int offset) => little ? BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(offset)) : BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(offset));
        float F32(int offset) => little ? BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(offset)) : BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(offset));

        int rank = I16(40);
        if (rank is < 1 or > 7)
            throw new InvalidDataException($"{path}: dim[0] is {rank}; a NIfTI-1 image has 1 to 7 dimensions.");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = I16(42 + 2 * d);
            if (dims[d] < 1)
                throw new InvalidDataException($"{path}: dim[{d + 1}] is {dims[d]}; every dimension must be at least 1.");
            count *= dims[d];
        }
        if (count > MaxVoxels)
            throw new InvalidDataException($"{path}: {string.Join(" × ", dims)} = {count} voxels is larger than a mask RepLens reads ({MaxVoxels}).");

        short code = I16(70);
        var type = (NiftiDataType)code;
        int size = type switch
        {
            NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
            NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
            NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
            NiftiDataType.Int64 or NiftiDataType.UInt64 or NiftiDataType.Float64 => 8,
            _ => throw new InvalidDataException(
                $"{path}: datatype {code} ({DescribeUnsupported(code)}) is not supported; masks and label volumes must be integer or float32/float64 (uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64)."),
        };
        short bitpix = I16(72);
        if (bitpix != size * 8)
            throw new InvalidDataException($"{path}: bitpix is {bitpix} but datatype {type} has {size * 8} bits per voxel; the header is inconsistent.");

        float voxOffset = F32(108);
        if (!float.IsFinite(voxOffset) || voxOffset < Nifti1HeaderSize || voxOffset != MathF.Floor(voxOffset) || voxOffset > MaxExtensionBytes)
            throw new InvalidDataException($"{path}: vox_offset is {voxOffset}; a single-file NIfTI-1 image has its data at byte 352 or later (and RepLens accepts header extensions up to {MaxExtensionBytes} bytes).");
        long offset = (long)voxOffset;
        long need = count * size;
        var skip = new byte[(int)(offset - Nifti1HeaderSize)];
        var data = new byte[need];
        int skipped = stream.ReadAtLeast(skip, skip.Length, throwOnEndOfStream: false);
        int read = skipped < skip.Length ? 0 : stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (skipped < skip.Length || read < need)
            throw new InvalidDataException(
                $"{path}: truncated: the header declares {string.Join(" × ", dims)} {type} voxels = {need} bytes at offset {offset}, but the {what} ends at byte {Nifti1HeaderSize + skipped + read}.");

        double slope = F32(112), inter = F32(116);
        bool scaled = double.IsFinite(slope) && slope != 0;
        if (!scaled) { slope = 1; inter = 0; }
        else if (!double.IsFinite(inter)) inter = 0;

        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            var e = data.AsSpan(i * size, size);
            double raw = type switch
            {
                NiftiDataType.UInt8 => e[0],
                NiftiDataType.Int8 => (sbyte)e[0],
                NiftiDataType.Int16 => little ? BinaryPrimitives.ReadInt16LittleEndian(e) : BinaryPrimitives.ReadInt16BigEndian(e),
                NiftiDataType.UInt16 => little ? BinaryPrimitives.ReadUInt16LittleEndian(e) : BinaryPrimitives.ReadUInt16BigEndian(e),
                NiftiDataType.Int32 => little ? BinaryPrimitives.ReadInt32LittleEndian(e) : BinaryPrimitives.ReadInt32BigEndian(e),
                NiftiDataType.UInt32 => little ? BinaryPrimitives.ReadUInt32LittleEndian(e) : BinaryPrimitives.ReadUInt32BigEndian(e),
                NiftiDataType.Int64 => little ? BinaryPrimitives.ReadInt64LittleEndian(e) : BinaryPrimitives.ReadInt64BigEndian(e),
                NiftiDataType.UInt64 => little ? BinaryPrimitives.ReadUInt64LittleEndian(e) : BinaryPrimitives.ReadUInt64BigEndian(e),
                NiftiDataType.Float32 => little ? BinaryPrimitives.ReadSingleLittleEndian(e) : BinaryPrimitives.ReadSingleBigEndian(e),
                _ => little ? BinaryPrimitives.ReadDoubleLittleEndian(e) : BinaryPrimitives.ReadDoubleBigEndian(e),
            };
            values[i] = scaled ? raw * slope + inter : raw;
        }

        // Trailing singleton dimensions (a 3-D mask stored as X × Y × Z × 1) do not change the voxel order.
        int keep = rank;
        while (keep > 3 && dims[keep - 1] == 1) keep--;
        return new NiftiImage(path, dims[..keep], type, slope, inter, values);
    }

    private static string DescribeUnsupported(short code) => code switch
    {
        1 => "binary",
        32 => "complex64",
        128 => "RGB24",
        1536 => "float128",
        1792 => "complex128",
        2048 => "complex256",
        2304 => "RGBA32",
        0 => "unknown",
        _ => "not a NIfTI-1 datatype code",
    };

    private static string Printable(byte[] b, int offset, int length)
    {
        var sb = new StringBuilder();
        for (int i = offset; i < offset + length && i < b.Length; i++)
            sb.Append(b[i] is >= 32 and < 127 ? (char)b[i] : $"\\x{b[i]:x2}");
        return sb.ToString();
    }
}
