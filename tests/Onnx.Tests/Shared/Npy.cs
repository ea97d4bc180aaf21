using System.Text;
using System.Text.RegularExpressions;

namespace RepLens.Onnx.Tests;

/// <summary>Reads the little-endian C-order .npy files the fixture script writes (float32 and uint8).</summary>
public sealed partial class Npy
{
    private Npy(string dtype, int[] shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public string DType { get; }

    public int[] Shape { get; }

    public byte[] Data { get; }

    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static Npy Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int offset = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{path}: Fortran order");
        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var dtype = descr switch { "<f4" => "float32", "|u1" => "uint8", _ => throw new InvalidDataException($"{path}: dtype {descr}") };
        return new Npy(dtype, shape, bytes[(offset + headerLength)..]);
    }

    public float[] Floats()
    {
        if (DType != "float32") throw new InvalidOperationException("not float32");
        var result = new float[Count];
        Buffer.BlockCopy(Data, 0, result, 0, Data.Length);
        return result;
    }

    /// <summary>Row <paramref name="i"/> (first axis) as floats.</summary>
    public float[] Row(int i)
    {
        var all = Floats();
        int n = (int)(Count / Shape[0]);
        return all[(i * n)..((i + 1) * n)];
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
