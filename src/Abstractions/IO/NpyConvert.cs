using System.Numerics;
using System.Runtime.InteropServices;

namespace RepLens.Abstractions.IO;

/// <summary>Converts raw little-endian .npy element bytes to float32, float64 or int64.</summary>
internal static class NpyConvert
{
    static NpyConvert()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("RepLens reads .npy files on little-endian machines only.");
    }

    public static void ToSingle(ReadOnlySpan<byte> raw, NpyDataType type, Span<float> dst)
    {
        switch (type)
        {
            case NpyDataType.Float32: MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst); break;
            case NpyDataType.Float64: Widen<double, float>(raw, dst); break;
            case NpyDataType.Float16: Widen<Half, float>(raw, dst); break;
            case NpyDataType.Bool: Bools(raw, dst); break;
            case NpyDataType.Int8: Widen<sbyte, float>(raw, dst); break;
            case NpyDataType.UInt8: Widen<byte, float>(raw, dst); break;
            case NpyDataType.Int16: Widen<short, float>(raw, dst); break;
            case NpyDataType.UInt16: Widen<ushort, float>(raw, dst); break;
            case NpyDataType.Int32: Widen<int, float>(raw, dst); break;
            case NpyDataType.UInt32: Widen<uint, float>(raw, dst); break;
            case NpyDataType.Int64: Widen<long, float>(raw, dst); break;
            case NpyDataType.UInt64: Widen<ulong, float>(raw, dst); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    public static void ToDouble(ReadOnlySpan<byte> raw, NpyDataType type, Span<double> dst)
    {
        switch (type)
        {
            case NpyDataType.Float64: MemoryMarshal.Cast<byte, double>(raw).CopyTo(dst); break;
            case NpyDataType.Float32: Widen<float, double>(raw, dst); break;
            case NpyDataType.Float16: Widen<Half, double>(raw, dst); break;
            case NpyDataType.Bool: Bools(raw, dst); break;
            case NpyDataType.Int8: Widen<sbyte, double>(raw, dst); break;
            case NpyDataType.UInt8: Widen<byte, double>(raw, dst); break;
            case NpyDataType.Int16: Widen<short, double>(raw, dst); break;
            case NpyDataType.UInt16: Widen<ushort, double>(raw, dst); break;
            case NpyDataType.Int32: Widen<int, double>(raw, dst); break;
            case NpyDataType.UInt32: Widen<uint, double>(raw, dst); break;
            case NpyDataType.Int64: Widen<long, double>(raw, dst); break;
            case NpyDataType.UInt64: Widen<ulong, double>(raw, dst); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>Converts to int64; returns the index of the first value that is not an integer in range, or −1.</summary>
    public static int ToInt64(ReadOnlySpan<byte> raw, NpyDataType type, Span<long> dst)
    {
        switch (type)
        {
            case NpyDataType.Int64: MemoryMarshal.Cast<byte, long>(raw).CopyTo(dst); return -1;
            case NpyDataType.Bool: Bools(raw, dst); return -1;
            case NpyDataType.Int8: Widen<sbyte, long>(raw, dst); return -1;
            case NpyDataType.UInt8: Widen<byte, long>(raw, dst); return -1;
            case NpyDataType.Int16: Widen<short, long>(raw, dst); return -1;
            case NpyDataType.UInt16: Widen<ushort, long>(raw, dst); return -1;
            case NpyDataType.Int32: Widen<int, long>(raw, dst); return -1;
            case NpyDataType.UInt32: Widen<uint, long>(raw, dst); return -1;
            case NpyDataType.UInt64:
            {
                var src = MemoryMarshal.Cast<byte, ulong>(raw);
                for (int i = 0; i < src.Length; i++)
                {
                    if (src[i] > long.MaxValue) return i;
                    dst[i] = (long)src[i];
                }
                return -1;
            }
            case NpyDataType.Float16: return Integral<Half>(raw, dst);
            case NpyDataType.Float32: return Integral<float>(raw, dst);
            case NpyDataType.Float64: return Integral<double>(raw, dst);
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static void Widen<TSrc, TDst>(ReadOnlySpan<byte> raw, Span<TDst> dst)
        where TSrc : unmanaged, INumberBase<TSrc>
        where TDst : INumberBase<TDst>
    {
        var src = MemoryMarshal.Cast<byte, TSrc>(raw);
        for (int i = 0; i < src.Length; i++) dst[i] = TDst.CreateTruncating(src[i]);
    }

    private static void Bools<TDst>(ReadOnlySpan<byte> raw, Span<TDst> dst) where TDst : INumberBase<TDst>
    {
        for (int i = 0; i < raw.Length; i++) dst[i] = raw[i] != 0 ? TDst.One : TDst.Zero;
    }

    private static int Integral<TSrc>(ReadOnlySpan<byte> raw, Span<long> dst) where TSrc : unmanaged, IFloatingPointIeee754<TSrc>
    {
        const double two63 = 9223372036854775808.0;
        var src = MemoryMarshal.Cast<byte, TSrc>(raw);
        for (int i = 0; i < src.Length; i++)
        {
            double v = double.CreateTruncating(src[i]);
            if (!double.IsInteger(v) || v < -two63 || v >= two63) return i;
            dst[i] = (long)v;
        }
        return -1;
    }
}
