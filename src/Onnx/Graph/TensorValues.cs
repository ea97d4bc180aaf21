using System.Buffers.Binary;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>Reads the values of ONNX tensors (weights, constants) as float32, whatever their stored floating-point type.</summary>
internal static class TensorValues
{
    /// <summary>The tensor's values as float32, row-major; <paramref name="what"/> names it in messages.</summary>
    internal static float[] ToFloats(TensorProto tensor, string what)
    {
        long count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
        if (count > int.MaxValue) throw new InvalidDataException($"{what} has {count} values, more than RepLens reads into one array.");
        var values = new float[count];
        var raw = tensor.RawData.Span;
        bool hasRaw = !tensor.RawData.IsEmpty;
        switch (tensor.DataType)
        {
            case TensorTypes.Float:
                if (hasRaw)
                {
                    Expect(raw.Length, count * 4, what);
                    for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                }
                else
                {
                    Expect(tensor.FloatData.Count, count, what);
                    tensor.FloatData.CopyTo(values, 0);
                }
                break;
            case TensorTypes.Double:
                if (hasRaw)
                {
                    Expect(raw.Length, count * 8, what);
                    for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]);
                }
                else
                {
                    Expect(tensor.DoubleData.Count, count, what);
                    for (int i = 0; i < values.Length; i++) values[i] = (float)tensor.DoubleData[i];
                }
                break;
            case TensorTypes.Float16:
            case TensorTypes.BFloat16:
                // Stored as 16-bit patterns: in raw_data, or one per int32_data entry.
                Expect(hasRaw ? raw.Length : tensor.Int32Data.Count, hasRaw ? count * 2 : count, what);
                for (int i = 0; i < values.Length; i++)
                {
                    ushort bits = hasRaw ? BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]) : (ushort)tensor.Int32Data[i];
                    values[i] = tensor.DataType == TensorTypes.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.Int32BitsToSingle(bits << 16);
                }
                break;
            default:
                throw new InvalidDataException($"{what} holds {TensorTypes.Name(tensor.DataType)} values; a floating-point tensor was expected.");
        }
        return values;
    }

    private static void Expect(long found, long expected, string what)
    {
        if (found != expected)
            throw new InvalidDataException($"{what} is corrupt: its shape needs {expected} stored values, the file has {found}.");
    }
}
