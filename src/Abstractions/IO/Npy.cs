using System.Runtime.InteropServices;

namespace RepLens.Abstractions.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0–3.0): bool, int8–int64, uint8–uint64,
/// float16, float32 and float64, little-endian, C or Fortran order. Every read first checks the header
/// and that the file holds exactly the data it declares, and refuses anything else (bad magic,
/// unsupported dtype, big-endian, truncated data, a shape that does not match the size) with an
/// <see cref="NpyFormatException"/> naming the file, before allocating. Writes are atomic (temporary
/// file + rename, see <see cref="AtomicFileWriter"/>). For arrays too large for memory use
/// <see cref="NpyMatrix"/> (reading) and <see cref="NpyRowWriter"/> (streaming writes).
/// </summary>
public static class Npy
{
    private const int ChunkBytes = 1 << 20;

    private delegate int RawConverter<T>(ReadOnlySpan<byte> raw, NpyDataType type, Span<T> destination);

    /// <summary>Reads and checks the header of a <c>.npy</c> file without reading its data.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        using var fs = OpenRead(path, 4096);
        return NpyHeader.Read(fs, path);
    }

    /// <summary>
    /// Reads a file as float32 values in C order. Other dtypes are converted: exact for bool, int8/16,
    /// uint8/16, float16 and float32; rounded to nearest for int32/64, uint32/64 and float64.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file or has more than <see cref="Array.MaxLength"/> elements.</exception>
    public static NpyArray<float> ReadFloat32(string path) =>
        Read<float>(path, static (raw, type, dst) => { NpyConvert.ToSingle(raw, type, dst); return -1; });

    /// <summary>
    /// Reads a file as float64 values in C order. Other dtypes are converted exactly, except int64 and
    /// uint64 values beyond ±2⁵³, which are rounded to nearest.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file or has more than <see cref="Array.MaxLength"/> elements.</exception>
    public static NpyArray<double> ReadFloat64(string path) =>
        Read<double>(path, static (raw, type, dst) => { NpyConvert.ToDouble(raw, type, dst); return -1; });

    /// <summary>
    /// Reads a file of integers (labels, indices) as int64 values in C order. Bool and integer dtypes
    /// convert exactly; float values are accepted only if they are whole numbers in int64 range, and
    /// uint64 values only up to <see cref="long.MaxValue"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file, or a value is not an int64.</exception>
    public static NpyArray<long> ReadInt64(string path) => Read<long>(path, NpyConvert.ToInt64);

    /// <summary>Writes float32 values in C order (<c>&lt;f4</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.Float32);

    /// <summary>Writes float64 values in C order (<c>&lt;f8</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.Float64);

    /// <summary>Writes int32 values in C order (<c>&lt;i4</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<int> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.Int32);

    /// <summary>Writes int64 values in C order (<c>&lt;i8</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<long> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.Int64);

    /// <summary>Writes uint8 values in C order (<c>|u1</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<byte> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.UInt8);

    /// <summary>Writes booleans in C order (<c>|b1</c>), atomically.</summary>
    /// <param name="path">The file; its folder is created if missing; an existing file is replaced.</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the number of values (empty = 0-d).</param>
    public static void Write(string path, ReadOnlySpan<bool> data, ReadOnlySpan<long> shape) =>
        Write(path, data, shape, NpyDataType.Bool);

    internal static FileStream OpenRead(string path, int bufferSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such .npy file.", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
    }

    internal static void CheckShape(ReadOnlySpan<long> shape, long count, string what)
    {
        long product = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"{what}: the shape {NpyHeader.FormatShape(shape)} has a negative dimension.", nameof(shape));
            product = checked(product * d);
        }
        if (product != count)
            throw new ArgumentException($"{what}: the shape {NpyHeader.FormatShape(shape)} has {product} elements but {count} values were given.", nameof(shape));
    }

    private static void Write<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<long> shape, NpyDataType type) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckShape(shape, data.Length, path);
        using var writer = new AtomicFileWriter(path, ChunkBytes);
        var s = writer.Stream;
        s.Write(NpyHeader.Encode(type, shape, fortranOrder: false));
        int chunk = ChunkBytes / NpyHeader.SizeOf(type);
        for (int i = 0; i < data.Length; i += chunk)
            s.Write(MemoryMarshal.AsBytes(data.Slice(i, Math.Min(chunk, data.Length - i))));
        writer.Commit();
    }

    private static NpyArray<T> Read<T>(string path, RawConverter<T> convert) where T : unmanaged
    {
        using var fs = OpenRead(path, 1);
        var h = NpyHeader.Read(fs, path);
        if (h.ElementCount > Array.MaxLength)
            throw new NpyFormatException(path, $"{h} has {h.ElementCount} elements, more than one in-memory array holds; read it in blocks with NpyMatrix.Open.");
        var data = new T[h.ElementCount];
        var shape = h.Shape.ToArray();
        fs.Position = h.DataOffset;
        int es = h.ElementSize;
        var raw = new byte[(int)Math.Min(ChunkBytes, Math.Max(es, h.DataLength))];
        int perChunk = raw.Length / es;
        bool scatter = h.FortranOrder && h.Rank > 1;
        var tmp = scatter ? new T[perChunk] : null;
        var odometer = scatter ? new FortranOdometer(shape) : default;
        for (long done = 0; done < h.ElementCount;)
        {
            int n = (int)Math.Min(perChunk, h.ElementCount - done);
            var bytes = raw.AsSpan(0, n * es);
            try { fs.ReadExactly(bytes); }
            catch (EndOfStreamException) { throw new NpyFormatException(path, $"truncated while reading: the file shrank below the {h.DataLength} data bytes its header declares."); }
            var target = scatter ? tmp.AsSpan(0, n) : data.AsSpan((int)done, n);
            int bad = convert(bytes, h.DataType, target);
            if (bad >= 0)
            {
                var value = new double[1];
                NpyConvert.ToDouble(bytes.Slice(bad * es, es), h.DataType, value);
                throw new NpyFormatException(path, $"element {done + bad} (in file order) is {value[0]}, not an integer in int64 range; {h} cannot be read as integers.");
            }
            if (scatter) odometer.Scatter(target, data);
            done += n;
        }
        return new NpyArray<T>(data, shape, h.DataType);
    }

    /// <summary>Walks a Fortran-order array in file order and places each element at its C-order index.</summary>
    private struct FortranOdometer
    {
        private readonly long[] _dims;
        private readonly long[] _cStrides;
        private readonly long[] _index;
        private long _cOffset;

        public FortranOdometer(long[] dims)
        {
            _dims = dims;
            _cStrides = new long[dims.Length];
            long stride = 1;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                _cStrides[d] = stride;
                stride *= dims[d];
            }
            _index = new long[dims.Length];
            _cOffset = 0;
        }

        public void Scatter<T>(ReadOnlySpan<T> fileOrder, T[] cOrder)
        {
            for (int k = 0; k < fileOrder.Length; k++)
            {
                cOrder[_cOffset] = fileOrder[k];
                for (int d = 0; d < _dims.Length; d++)
                {
                    _cOffset += _cStrides[d];
                    if (++_index[d] < _dims[d]) break;
                    _cOffset -= _dims[d] * _cStrides[d];
                    _index[d] = 0;
                }
            }
        }
    }
}
