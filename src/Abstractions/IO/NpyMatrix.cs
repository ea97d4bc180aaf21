using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RepLens.Abstractions.IO;

/// <summary>
/// A 2-D <c>.npy</c> file (N × P) of any supported dtype, C or Fortran order, read in column blocks
/// without loading it: the <see cref="IFeatureMatrix"/> the RSA core streams through, so that P may
/// exceed memory. A C-order block costs one contiguous read per row; a Fortran-order block is one
/// contiguous range of the file. Values are converted as <see cref="Npy.ReadFloat32"/> and
/// <see cref="Npy.ReadFloat64"/> describe. Reads are safe to run concurrently.
/// </summary>
/// <remarks>
/// By default blocks are fetched with positioned reads (<c>pread</c>) into the caller's buffer, so a
/// full pass over a file much larger than memory leaves the process's resident set unchanged (the
/// operating system's page cache is not counted). With <c>memoryMapped: true</c> the file is mapped
/// once and blocks are copied out of the mapping: no system call per row, but every page touched is
/// counted in the resident set until the kernel reclaims it, so a pass over a C-order file maps the
/// whole file. Prefer the default for files larger than the memory budget.
/// </remarks>
public sealed unsafe class NpyMatrix : IFeatureMatrix, IDisposable
{
    private const int GroupBytes = 4 << 20;

    private readonly SafeFileHandle _handle;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _base;
    private bool _disposed;

    private NpyMatrix(NpyHeader header, SafeFileHandle handle, bool memoryMapped)
    {
        Header = header;
        _handle = handle;
        Rows = (int)header.Shape[0];
        Columns = header.Shape[1];
        if (memoryMapped)
        {
            _map = MemoryMappedFile.CreateFromFile(header.FilePath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _view.PointerOffset;
        }
    }

    /// <summary>
    /// Opens a 2-D <c>.npy</c> file for column-block reads after checking its header and size.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="memoryMapped">Map the file instead of using positioned reads (see remarks).</param>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file, or not 2-D.</exception>
    public static NpyMatrix Open(string path, bool memoryMapped = false)
    {
        NpyHeader header;
        using (var fs = Npy.OpenRead(path, 4096)) header = NpyHeader.Read(fs, path);
        if (header.Rank != 2)
            throw new NpyFormatException(path, $"expected a 2-D (stimuli × features) array, found {header}.");
        if (header.Shape[0] > int.MaxValue)
            throw new NpyFormatException(path, $"{header} has more than {int.MaxValue} rows.");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return new NpyMatrix(header, handle, memoryMapped);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The file's header.</summary>
    public NpyHeader Header { get; }

    /// <summary>The file.</summary>
    public string FilePath => Header.FilePath;

    /// <summary>Whether blocks are copied out of a memory mapping rather than read with positioned reads.</summary>
    public bool MemoryMapped => _view is not null;

    /// <summary>Number of rows N (stimuli).</summary>
    public int Rows { get; }

    /// <summary>Number of columns P (features).</summary>
    public long Columns { get; }

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<float> destination) => ReadBlock(start, count, destination);

    /// <inheritdoc />
    public void ReadColumns(long start, int count, Span<double> destination) => ReadBlock(start, count, destination);

    /// <summary>Unmaps and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _base = null;
            _view.Dispose();
            _map!.Dispose();
        }
        _handle.Dispose();
    }

    private void ReadBlock<T>(long start, int count, Span<T> destination) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (start < 0 || count < 0 || start + count > Columns)
            throw new ArgumentOutOfRangeException(nameof(start), $"{FilePath}: columns [{start}, {start + count}) are outside a matrix with {Columns} columns.");
        if (destination.Length < (long)Rows * count)
            throw new ArgumentException($"{FilePath}: the destination holds {destination.Length} values; {Rows} × {count} are needed.", nameof(destination));
        if (count == 0 || Rows == 0) return;
        if (Header.FortranOrder) ReadFortranBlock(start, count, destination);
        else ReadCBlock(start, count, destination);
    }

    private void ReadCBlock<T>(long start, int count, Span<T> destination) where T : unmanaged
    {
        int es = Header.ElementSize;
        int rowBytes = checked(count * es);
        bool direct = SameType<T>();
        byte[]? scratch = direct || MemoryMapped ? null : ArrayPool<byte>.Shared.Rent(rowBytes);
        try
        {
            for (int r = 0; r < Rows; r++)
            {
                long offset = Header.DataOffset + ((long)r * Columns + start) * es;
                var dst = destination.Slice(r * count, count);
                if (direct && !MemoryMapped)
                    ReadAt(offset, MemoryMarshal.AsBytes(dst));
                else
                    Convert(Bytes(offset, rowBytes, scratch), dst);
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private void ReadFortranBlock<T>(long start, int count, Span<T> destination) where T : unmanaged
    {
        // Columns [start, start + count) are one contiguous range: read it in groups of whole columns
        // and transpose each group into the row-major destination.
        int es = Header.ElementSize;
        int perGroup = (int)Math.Clamp(GroupBytes / ((long)Rows * es), 1, count);
        int groupBytes = checked(perGroup * Rows * es);
        byte[]? scratch = MemoryMapped ? null : ArrayPool<byte>.Shared.Rent(groupBytes);
        var tmp = ArrayPool<T>.Shared.Rent(perGroup * Rows);
        try
        {
            for (int c0 = 0; c0 < count; c0 += perGroup)
            {
                int g = Math.Min(perGroup, count - c0);
                long offset = Header.DataOffset + (start + c0) * Rows * es;
                var values = tmp.AsSpan(0, g * Rows);
                Convert(Bytes(offset, g * Rows * es, scratch), values);
                for (int c = 0; c < g; c++)
                {
                    var column = values.Slice(c * Rows, Rows);
                    for (int r = 0; r < Rows; r++) destination[r * count + c0 + c] = column[r];
                }
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<T>.Shared.Return(tmp);
        }
    }

    private bool SameType<T>() =>
        (typeof(T) == typeof(float) && Header.DataType == NpyDataType.Float32) ||
        (typeof(T) == typeof(double) && Header.DataType == NpyDataType.Float64);

    private void Convert<T>(ReadOnlySpan<byte> raw, Span<T> destination) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) NpyConvert.ToSingle(raw, Header.DataType, MemoryMarshal.Cast<T, float>(destination));
        else NpyConvert.ToDouble(raw, Header.DataType, MemoryMarshal.Cast<T, double>(destination));
    }

    private ReadOnlySpan<byte> Bytes(long offset, int length, byte[]? scratch)
    {
        if (MemoryMapped) return new ReadOnlySpan<byte>(_base + offset, length);
        var span = scratch.AsSpan(0, length);
        ReadAt(offset, span);
        return span;
    }

    private void ReadAt(long offset, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(_handle, buffer, offset);
            if (n == 0) throw new NpyFormatException(FilePath, $"truncated while reading: the file ended at byte {offset}, before the data its header declares.");
            buffer = buffer[n..];
            offset += n;
        }
    }
}
