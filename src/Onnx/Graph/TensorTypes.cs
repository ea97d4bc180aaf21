using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>ONNX element types by name, and the shape text used in messages.</summary>
internal static class TensorTypes
{
    internal const int Float = (int)TensorProto.Types.DataType.Float;
    internal const int Float16 = (int)TensorProto.Types.DataType.Float16;
    internal const int Double = (int)TensorProto.Types.DataType.Double;
    internal const int BFloat16 = (int)TensorProto.Types.DataType.Bfloat16;
    internal const int Int64 = (int)TensorProto.Types.DataType.Int64;

    internal static bool IsFloating(int elemType) => elemType is Float or Float16 or Double or BFloat16;

    internal static string Name(int elemType) => elemType switch
    {
        Float => "float",
        Float16 => "float16",
        Double => "double",
        BFloat16 => "bfloat16",
        _ => Enum.IsDefined(typeof(TensorProto.Types.DataType), elemType)
            ? ((TensorProto.Types.DataType)elemType).ToString().ToLowerInvariant()
            : $"type {elemType}",
    };

    internal static string ShapeText(TensorShapeProto? shape)
    {
        if (shape is null) return "[unknown shape]";
        return "[" + string.Join(", ", shape.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        })) + "]";
    }

    internal static ValueInfoProto TensorInfo(string name, int elemType, IEnumerable<long> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } },
        };
    }
}
