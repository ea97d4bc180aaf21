using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RepLens.Abstractions.IO;

/// <summary>
/// The header of a <c>.npy</c> file (NumPy format versions 1.0, 2.0 and 3.0): element type, shape,
/// memory order and where the data start. Reading a header checks that the file holds exactly the
/// data the header declares, so that nothing is allocated for a file that cannot be read.
/// </summary>
/// <remarks>Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html</remarks>
public sealed class NpyHeader
{
    /// <summary>Largest header RepLens accepts (NumPy's own loader stops at 10,000 bytes by default).</summary>
    internal const int MaxHeaderLength = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly long[] _shape;

    internal NpyHeader(string filePath, int majorVersion, int minorVersion, NpyDataType dataType,
        long[] shape, bool fortranOrder, long dataOffset, long elementCount)
    {
        FilePath = filePath;
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
        DataType = dataType;
        _shape = shape;
        FortranOrder = fortranOrder;
        DataOffset = dataOffset;
        ElementCount = elementCount;
    }

    /// <summary>The file the header was read from.</summary>
    public string FilePath { get; }

    /// <summary>Format major version: 1, 2 or 3.</summary>
    public int MajorVersion { get; }

    /// <summary>Format minor version (0).</summary>
    public int MinorVersion { get; }

    /// <summary>The element type.</summary>
    public NpyDataType DataType { get; }

    /// <summary>The array's shape; empty for a 0-d (scalar) array.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Whether the data are stored in Fortran (column-major) order rather than C (row-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>Byte offset of the first element in the file.</summary>
    public long DataOffset { get; }

    /// <summary>Number of elements (product of the shape; 1 for a 0-d array).</summary>
    public long ElementCount { get; }

    /// <summary>Size of one element in bytes.</summary>
    public int ElementSize => SizeOf(DataType);

    /// <summary>Size of the data in bytes.</summary>
    public long DataLength => ElementCount * ElementSize;

    /// <summary>The NumPy dtype string, e.g. <c>&lt;f4</c>.</summary>
    public string Descr => DescrOf(DataType);

    /// <summary>The shape written as NumPy does, e.g. <c>(3, 4)</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Descr} {ShapeText}{(FortranOrder ? " Fortran order" : "")}, format {MajorVersion}.{MinorVersion}";

    /// <summary>Size in bytes of one element of <paramref name="type"/>.</summary>
    /// <param name="type">The element type.</param>
    public static int SizeOf(NpyDataType type) => type switch
    {
        NpyDataType.Bool or NpyDataType.Int8 or NpyDataType.UInt8 => 1,
        NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Float16 => 2,
        NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Float32 => 4,
        NpyDataType.Int64 or NpyDataType.UInt64 or NpyDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an npy element type."),
    };

    /// <summary>The NumPy dtype string of <paramref name="type"/> (little-endian or single byte).</summary>
    /// <param name="type">The element type.</param>
    public static string DescrOf(NpyDataType type) => type switch
    {
        NpyDataType.Bool => "|b1",
        NpyDataType.Int8 => "|i1",
        NpyDataType.UInt8 => "|u1",
        NpyDataType.Int16 => "<i2",
        NpyDataType.UInt16 => "<u2",
        NpyDataType.Int32 => "<i4",
        NpyDataType.UInt32 => "<u4",
        NpyDataType.Int64 => "<i8",
        NpyDataType.UInt64 => "<u8",
        NpyDataType.Float16 => "<f2",
        NpyDataType.Float32 => "<f4",
        NpyDataType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an npy element type."),
    };

    /// <summary>Reads and checks the header of <paramref name="stream"/> (positioned at 0).</summary>
    internal static NpyHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadUpTo(stream, prefix);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
            throw new NpyFormatException(path, "not a .npy file: it does not start with the magic string \\x93NUMPY.");
        if (got < 10)
            throw new NpyFormatException(path, $"the file ends inside the .npy preamble ({fileLength} bytes).");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpyFormatException(path, $"unsupported .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported.");
        long headerLength;
        int lengthFieldEnd;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
            lengthFieldEnd = 10;
        }
        else
        {
            if (got < 12)
                throw new NpyFormatException(path, $"the file ends inside the .npy preamble ({fileLength} bytes).");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            lengthFieldEnd = 12;
        }
        long dataOffset = lengthFieldEnd + headerLength;
        if (headerLength > MaxHeaderLength)
            throw new NpyFormatException(path, $"the header claims {headerLength} bytes; more than {MaxHeaderLength} is not a plausible .npy header.");
        if (dataOffset > fileLength)
            throw new NpyFormatException(path, $"truncated: the header claims {headerLength} bytes but the file is only {fileLength} bytes long.");

        var headerBytes = new byte[headerLength];
        stream.Position = lengthFieldEnd;
        stream.ReadExactly(headerBytes);
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        string text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortran, shape) = new HeaderParser(text, path).Parse();
        var type = ParseDescr(descr, path);

        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new NpyFormatException(path, $"the shape {FormatShape(shape)} has a negative dimension.");
            try { count = checked(count * d); }
            catch (OverflowException) { throw new NpyFormatException(path, $"the shape {FormatShape(shape)} has more elements than can be addressed."); }
        }
        long need;
        try { need = checked(count * SizeOf(type)); }
        catch (OverflowException) { throw new NpyFormatException(path, $"the shape {FormatShape(shape)} has more bytes than can be addressed."); }
        long have = fileLength - dataOffset;
        if (have < need)
            throw new NpyFormatException(path,
                $"truncated or wrong shape: the header declares {descr} {FormatShape(shape)} = {need} bytes of data, but the file holds only {have} bytes after the header.");
        if (have > need)
            throw new NpyFormatException(path,
                $"shape/size mismatch: the header declares {descr} {FormatShape(shape)} = {need} bytes of data, but the file holds {have} bytes after the header.");
        return new NpyHeader(path, major, minor, type, shape, fortran, dataOffset, count);
    }

    /// <summary>The complete preamble + header for writing, padded so that the data start on a 64-byte boundary.</summary>
    internal static byte[] Encode(NpyDataType type, ReadOnlySpan<long> shape, bool fortranOrder)
    {
        var dict = $"{{'descr': '{DescrOf(type)}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {FormatShape(shape)}, }}";
        int major = 1;
        int preamble = 10;
        int total = Align(preamble + dict.Length + 1);
        if (total - preamble > ushort.MaxValue)
        {
            major = 2;
            preamble = 12;
            total = Align(preamble + dict.Length + 1);
        }
        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        int headerLength = total - preamble;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        int pos = preamble + Encoding.ASCII.GetBytes(dict, bytes.AsSpan(preamble));
        bytes.AsSpan(pos, total - 1 - pos).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        return bytes;

        static int Align(int n) => (n + 63) / 64 * 64;
    }

    internal static string FormatShape(ReadOnlySpan<long> shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    private static NpyDataType ParseDescr(string descr, string path)
    {
        const string supported = "supported: bool, int8–int64, uint8–uint64, float16, float32, float64, little-endian";
        if (descr.Length < 2)
            throw new NpyFormatException(path, $"unsupported dtype '{descr}' ({supported}).");
        char order = descr[0];
        string body = descr[1..];
        if (order == '>')
            throw new NpyFormatException(path, $"big-endian data (dtype '{descr}') are not supported; convert with arr.astype(arr.dtype.newbyteorder('<')) before saving.");
        if (order is not ('<' or '|'))
            throw new NpyFormatException(path, $"dtype '{descr}' has an unknown or native ('=') byte order; expected '<' or '|' ({supported}).");
        NpyDataType? type = body switch
        {
            "b1" => NpyDataType.Bool,
            "i1" => NpyDataType.Int8,
            "u1" => NpyDataType.UInt8,
            "i2" => NpyDataType.Int16,
            "u2" => NpyDataType.UInt16,
            "i4" => NpyDataType.Int32,
            "u4" => NpyDataType.UInt32,
            "i8" => NpyDataType.Int64,
            "u8" => NpyDataType.UInt64,
            "f2" => NpyDataType.Float16,
            "f4" => NpyDataType.Float32,
            "f8" => NpyDataType.Float64,
            _ => null,
        };
        if (type is null)
        {
            string kind = body[0] switch
            {
                'c' => "complex",
                'O' => "Python objects",
                'U' or 'S' or 'a' => "strings",
                'V' => "raw or structured records",
                'M' or 'm' => "datetime",
                'f' => "extended-precision float",
                _ => "unknown",
            };
            throw new NpyFormatException(path, $"unsupported dtype '{descr}' ({kind}); {supported}.");
        }
        if (order == '|' && SizeOf(type.Value) > 1)
            throw new NpyFormatException(path, $"dtype '{descr}' has no byte order; expected '<{body}'.");
        return type.Value;
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Parses the Python dict literal of a header: exactly the keys descr, fortran_order and shape.</summary>
    private ref struct HeaderParser(string text, string path)
    {
        private int _pos;

        public (string Descr, bool Fortran, long[] Shape) Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _pos++; break; }
                string key = ReadString();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (Peek() == '[')
                            throw new NpyFormatException(path, "structured dtypes (a list in 'descr') are not supported; save a plain numeric array.");
                        descr = ReadString();
                        break;
                    case "fortran_order":
                        fortran = ReadBool();
                        break;
                    case "shape":
                        shape = ReadTuple();
                        break;
                    default:
                        throw Bad($"unexpected key '{key}'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
                }
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != '}') throw Bad("expected ',' or '}'");
            }
            if (text[_pos..].Trim().Length != 0) throw Bad("unexpected text after the closing '}'");
            if (descr is null || fortran is null || shape is null)
                throw Bad("missing key: a .npy header has 'descr', 'fortran_order' and 'shape'");
            return (descr, fortran.Value, shape);
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Bad($"expected '{c}'");
            _pos++;
        }

        private string ReadString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Bad("expected a quoted string");
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Bad("unterminated string");
            var s = text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        private bool ReadBool()
        {
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            throw Bad("'fortran_order' must be True or False");
        }

        private long[] ReadTuple()
        {
            if (Peek() != '(') throw Bad("'shape' must be a tuple of integers");
            _pos++;
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _pos++; break; }
                int start = _pos;
                if (Peek() == '-') _pos++;
                while (char.IsAsciiDigit(Peek())) _pos++;
                if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long d))
                    throw Bad("'shape' must be a tuple of integers");
                if (Peek() == 'L') _pos++; // Python 2 long literal
                dims.Add(d);
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != ')') throw Bad("expected ',' or ')' in 'shape'");
            }
            return dims.ToArray();
        }

        private readonly NpyFormatException Bad(string what)
        {
            var shown = text.Length > 200 ? text[..200] + "…" : text;
            return new NpyFormatException(path, $"malformed header ({what} at character {_pos}): {shown.TrimEnd()}");
        }
    }
}
