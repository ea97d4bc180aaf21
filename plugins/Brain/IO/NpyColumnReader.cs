using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Brain.IO;

/// <summary>
/// Reads a subset of rows and a subset of columns (e.g. one ROI's vertices) of a 2-D <c>.npy</c> file
/// with positioned reads, never loading the file: memory is the result plus one bounded scratch buffer.
/// Columns are read in runs: indices closer than <see cref="GapBytes"/> are fetched with one read and
/// the gap discarded, so a compact ROI costs one read per row, a scattered one a few.
/// </summary>
internal sealed class NpyColumnReader : IDisposable
{
    /// <summary>Columns separated by fewer bytes than this are read together.</summary>
    internal const int GapBytes = 16 << 10;

    private readonly SafeFileHandle _handle;

    private NpyColumnReader(NpyHeader header, SafeFileHandle handle)
    {
        Header = header;
        _handle = handle;
    }

    public NpyHeader Header { get; }

    public int Rows => (int)Header.Shape[0];

    public long Columns => Header.Shape[1];

    public static NpyColumnReader Open(string path)
    {
        var header = Npy.ReadHeader(path);
        if (header.Rank != 2)
            throw new NpyFormatException(path, $"expected a 2-D (images × vertices) array, found {header}.");
        if (header.Shape[0] > int.MaxValue)
            throw new NpyFormatException(path, $"{header} has more rows than RepLens reads.");
        if (header.DataType is NpyDataType.Bool)
            throw new NpyFormatException(path, $"{header}: responses must be numbers, found booleans.");
        return new NpyColumnReader(header, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read));
    }

    /// <summary>
    /// Copies <c>file[rows[i], columns[j]]</c> to <c>destination[i * destinationStride + destinationOffset + j]</c>
    /// as float32. <paramref name="columns"/> must be strictly increasing.
    /// </summary>
    public void Read(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, Span<float> destination, int destinationStride, int destinationOffset)
    {
        if (columns.Length == 0 || rows.Length == 0) return;
        for (int j = 1; j < columns.Length; j++)
            if (columns[j] <= columns[j - 1]) throw new ArgumentException("Columns must be strictly increasing.", nameof(columns));
        if (columns[0] < 0 || columns[^1] >= Columns)
            throw new ArgumentOutOfRangeException(nameof(columns), $"{Header.FilePath}: column {columns[^1]} is outside a matrix with {Columns} columns.");
        foreach (var r in rows)
            if (r < 0 || r >= Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"{Header.FilePath}: row {r} is outside a matrix with {Rows} rows.");

        if (Header.FortranOrder) ReadFortran(rows, columns, destination, destinationStride, destinationOffset);
        else ReadC(rows, columns, destination, destinationStride, destinationOffset);
    }

    public void Dispose() => _handle.Dispose();

    private void ReadC(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, Span<float> destination, int stride, int offset)
    {
        int es = Header.ElementSize;
        var runs = Runs(columns, Math.Max(1, GapBytes / es));
        int maxRun = 0;
        foreach (var (start, end) in runs) maxRun = Math.Max(maxRun, columns[end - 1] - columns[start] + 1);
        var raw = ArrayPool<byte>.Shared.Rent(maxRun * es);
        var values = ArrayPool<float>.Shared.Rent(maxRun);
        try
        {
            for (int i = 0; i < rows.Length; i++)
            {
                long rowStart = Header.DataOffset + (long)rows[i] * Columns * es;
                var dst = destination.Slice(i * stride + offset, columns.Length);
                foreach (var (start, end) in runs)
                {
                    int first = columns[start];
                    int width = columns[end - 1] - first + 1;
                    var bytes = raw.AsSpan(0, width * es);
                    ReadAt(rowStart + (long)first * es, bytes);
                    var v = values.AsSpan(0, width);
                    Convert(bytes, v);
                    for (int j = start; j < end; j++) dst[j] = v[columns[j] - first];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<float>.Shared.Return(values);
        }
    }

    private void ReadFortran(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, Span<float> destination, int stride, int offset)
    {
        // A column is contiguous: read each whole column (all rows) and keep the requested rows.
        int es = Header.ElementSize;
        var raw = ArrayPool<byte>.Shared.Rent(Rows * es);
        var values = ArrayPool<float>.Shared.Rent(Rows);
        try
        {
            for (int j = 0; j < columns.Length; j++)
            {
                var bytes = raw.AsSpan(0, Rows * es);
                ReadAt(Header.DataOffset + (long)columns[j] * Rows * es, bytes);
                var v = values.AsSpan(0, Rows);
                Convert(bytes, v);
                for (int i = 0; i < rows.Length; i++) destination[i * stride + offset + j] = v[rows[i]];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<float>.Shared.Return(values);
        }
    }

    /// <summary>Groups strictly increasing column indices into runs [Start, End) whose gaps are at most <paramref name="maxGap"/>.</summary>
    internal static List<(int Start, int End)> Runs(ReadOnlySpan<int> columns, int maxGap)
    {
        var runs = new List<(int, int)>();
        int s = 0;
        for (int j = 1; j <= columns.Length; j++)
        {
            if (j == columns.Length || columns[j] - columns[j - 1] > maxGap)
            {
                runs.Add((s, j));
                s = j;
            }
        }
        return runs;
    }

    private void Convert(ReadOnlySpan<byte> raw, Span<float> dst)
    {
        switch (Header.DataType)
        {
            case NpyDataType.Float32: MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst); break;
            case NpyDataType.Float64: Widen(MemoryMarshal.Cast<byte, double>(raw), dst); break;
            case NpyDataType.Float16: Widen(MemoryMarshal.Cast<byte, Half>(raw), dst); break;
            case NpyDataType.Int8: Widen(MemoryMarshal.Cast<byte, sbyte>(raw), dst); break;
            case NpyDataType.UInt8: Widen(raw, dst); break;
            case NpyDataType.Int16: Widen(MemoryMarshal.Cast<byte, short>(raw), dst); break;
            case NpyDataType.UInt16: Widen(MemoryMarshal.Cast<byte, ushort>(raw), dst); break;
            case NpyDataType.Int32: Widen(MemoryMarshal.Cast<byte, int>(raw), dst); break;
            case NpyDataType.UInt32: Widen(MemoryMarshal.Cast<byte, uint>(raw), dst); break;
            case NpyDataType.Int64: Widen(MemoryMarshal.Cast<byte, long>(raw), dst); break;
            case NpyDataType.UInt64: Widen(MemoryMarshal.Cast<byte, ulong>(raw), dst); break;
            default: throw new NpyFormatException(Header.FilePath, $"{Header}: cannot read {Header.Descr} values as responses.");
        }
    }

    private static void Widen<T>(ReadOnlySpan<T> src, Span<float> dst) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < src.Length; i++) dst[i] = float.CreateTruncating(src[i]);
    }

    private void ReadAt(long offset, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(_handle, buffer, offset);
            if (n == 0) throw new NpyFormatException(Header.FilePath, $"truncated while reading: the file ended at byte {offset}.");
            buffer = buffer[n..];
            offset += n;
        }
    }
}
