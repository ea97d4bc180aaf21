using System.Buffers.Binary;
using System.Text;

namespace RepLens.Plugins.Brain.IO;

/// <summary>
/// Reads the one kind of pickled <c>.npy</c> file brain data sets ship: a Python dict of int → str saved
/// with <c>np.save(path, d, allow_pickle=True)</c> (Algonauts' <c>mapping_&lt;family&gt;.npy</c>). Nothing
/// in the file is ever executed: a small pickle machine (protocols 2–5) builds an inert tree of
/// values, where the few NumPy callables such a file names (<c>_reconstruct</c>, <c>ndarray</c>,
/// <c>dtype</c>, <c>scalar</c>) are symbols, and the result is then matched against the shape
/// "0-d object array holding a dict". Any other global, opcode or structure is refused with a message
/// naming the file.
/// </summary>
public static class NumpyPickle
{
    private const int MaxPickleBytes = 1 << 20;

    private static readonly HashSet<string> AllowedGlobals = new(StringComparer.Ordinal)
    {
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.core.multiarray.scalar",
        "numpy._core.multiarray.scalar",
    };

    /// <summary>Reads a pickled dict of int → str from a <c>.npy</c> file (dtype <c>|O</c>, shape <c>()</c>).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is not such a dict, or uses anything outside the supported subset.</exception>
    public static IReadOnlyDictionary<int, string> ReadIntStringDictionary(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such .npy file.", path);
        var bytes = File.ReadAllBytes(path);
        var payload = ObjectPayload(path, bytes);
        var root = new Machine(path, payload).Run();
        var dict = Unwrap(path, root);
        var result = new Dictionary<int, string>();
        foreach (var (key, value) in dict.Items)
        {
            int k = ToInt(path, key);
            string v = value as string ?? throw Bad(path, $"the value of key {k} is {Describe(value)}; expected a string (a ROI name).");
            if (!result.TryAdd(k, v)) throw Bad(path, $"key {k} appears twice.");
        }
        return result;
    }

    /// <summary>The pickle bytes of an object-dtype 0-d .npy file.</summary>
    private static ReadOnlySpan<byte> ObjectPayload(string path, byte[] b)
    {
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (b.Length < 10 || !b.AsSpan(0, 6).SequenceEqual(magic))
            throw Bad(path, "not a .npy file: it does not start with the magic string \\x93NUMPY.");
        int major = b[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)); start = 10; }
        else if (major is 2 or 3 && b.Length >= 12) { headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8))); start = 12; }
        else throw Bad(path, $"unsupported .npy format version {major}.{b[7]}.");
        if (start + headerLength > b.Length) throw Bad(path, "truncated: the header runs past the end of the file.");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(b, start, headerLength);
        if (!System.Text.RegularExpressions.Regex.IsMatch(header, @"'descr'\s*:\s*'\|O'"))
            throw Bad(path, $"expected a pickled object array (dtype '|O', as np.save writes a dict), found the header {header.Trim()}.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(header, @"'shape'\s*:\s*\(\s*\)"))
            throw Bad(path, $"expected a 0-d object array (one dict), found the header {header.Trim()}.");
        int length = b.Length - start - headerLength;
        if (length > MaxPickleBytes) throw Bad(path, $"the pickle is {length} bytes; a label mapping is far smaller (limit {MaxPickleBytes}).");
        return b.AsSpan(start + headerLength, length);
    }

    private static PyDict Unwrap(string path, object? root)
    {
        if (root is PyDict d) return d;
        // np.save of a dict: _reconstruct(ndarray, (0,), b'b') BUILD (1, (), dtype('O8'), False, [dict]).
        if (root is PyCall { Callable: PyGlobal g, State: object[] state } && g.Name == "_reconstruct" &&
            state.Length == 5 && state[1] is object[] { Length: 0 } && state[4] is List<object?> { Count: 1 } items &&
            state[2] is PyCall { Callable: PyGlobal { Name: "dtype" }, Args: [string dt, ..] } && dt.StartsWith('O'))
        {
            if (items[0] is PyDict inner) return inner;
            throw Bad(path, $"the object array holds {Describe(items[0])}, not a dict.");
        }
        throw Bad(path, $"the pickle holds {Describe(root)}, not a 0-d object array with a dict (np.save(path, {{1: 'V1v', …}}, allow_pickle=True)).");
    }

    private static int ToInt(string path, object? key)
    {
        switch (key)
        {
            case long l when l is >= int.MinValue and <= int.MaxValue:
                return (int)l;
            case PyCall { Callable: PyGlobal { Name: "scalar" }, Args: [PyCall { Callable: PyGlobal { Name: "dtype" }, Args: [string dt, ..] }, byte[] raw] }:
                // A NumPy integer scalar key (np.int64(3)): dtype code such as 'i8' and its little-endian bytes.
                long v = dt switch
                {
                    "i1" when raw.Length == 1 => (sbyte)raw[0],
                    "u1" when raw.Length == 1 => raw[0],
                    "i2" when raw.Length == 2 => BinaryPrimitives.ReadInt16LittleEndian(raw),
                    "u2" when raw.Length == 2 => BinaryPrimitives.ReadUInt16LittleEndian(raw),
                    "i4" when raw.Length == 4 => BinaryPrimitives.ReadInt32LittleEndian(raw),
                    "u4" when raw.Length == 4 => BinaryPrimitives.ReadUInt32LittleEndian(raw),
                    "i8" when raw.Length == 8 => BinaryPrimitives.ReadInt64LittleEndian(raw),
                    _ => throw Bad(path, $"a key is a NumPy scalar of dtype '{dt}'; expected an integer label."),
                };
                if (v is < int.MinValue or > int.MaxValue) throw Bad(path, $"key {v} is out of range.");
                return (int)v;
            default:
                throw Bad(path, $"a key is {Describe(key)}; expected an integer label.");
        }
    }

    private static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"the string '{s}'",
        long l => $"the integer {l}",
        bool b => b ? "True" : "False",
        double d => $"the float {d}",
        byte[] => "bytes",
        object[] t => $"a tuple of {t.Length}",
        List<object?> l => $"a list of {l.Count}",
        PyDict => "a dict",
        PyGlobal g => $"the global {g.Module}.{g.Name}",
        PyCall c => $"a call of {Describe(c.Callable)}",
        _ => o.GetType().Name,
    };

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: {problem} RepLens reads pickled mappings only in the form np.save writes a dict of int → str; alternatively write the mapping as CSV (label,name) or JSON ({{\"1\": \"V1v\"}}).");

    private sealed record PyGlobal(string Module, string Name);

    private sealed class PyCall(object Callable, object?[] args)
    {
        public object Callable { get; } = Callable;
        public object?[] Args { get; } = args;
        public object? State { get; set; }
    }

    private sealed class PyDict
    {
        public List<(object? Key, object? Value)> Items { get; } = [];
    }

    private sealed class Mark
    {
        public static readonly Mark Instance = new();
    }

    /// <summary>A pickle virtual machine that only builds values; calls become inert <see cref="PyCall"/> records.</summary>
    private ref struct Machine(string path, ReadOnlySpan<byte> data)
    {
        private const int MaxItems = 1 << 16;
        private readonly string _path = path;
        private readonly ReadOnlySpan<byte> _data = data;
        private readonly List<object?> _stack = [];
        private readonly Dictionary<long, object?> _memo = [];
        private int _pos;
        private int _items;

        public object? Run()
        {
            while (true)
            {
                if (_pos >= _data.Length) throw Bad(_path, "the pickle ends without a STOP opcode.");
                int at = _pos;
                byte op = _data[_pos++];
                switch (op)
                {
                    case 0x80: // PROTO
                        int proto = Byte();
                        if (proto is < 2 or > 5) throw Bad(_path, $"pickle protocol {proto}; protocols 2 to 5 are supported.");
                        break;
                    case 0x95: Take(8); break; // FRAME: framing only
                    case (byte)'.': // STOP
                        if (_stack.Count != 1) throw Bad(_path, "the pickle ends with a malformed stack.");
                        return _stack[0];
                    case (byte)'c': // GLOBAL module\nname\n
                        Push(Global(Line(), Line()));
                        break;
                    case 0x93: // STACK_GLOBAL
                        {
                            var name = Pop() as string;
                            var module = Pop() as string;
                            if (name is null || module is null) throw Bad(_path, $"malformed STACK_GLOBAL at byte {at}.");
                            Push(Global(module, name));
                            break;
                        }
                    case (byte)'q': Memo(Byte()); break; // BINPUT
                    case (byte)'r': Memo(U32()); break; // LONG_BINPUT
                    case 0x94: Memo(_memo.Count); break; // MEMOIZE
                    case (byte)'h': Push(Recall(Byte())); break; // BINGET
                    case (byte)'j': Push(Recall(U32())); break; // LONG_BINGET
                    case (byte)'(': _stack.Add(Mark.Instance); break; // MARK
                    case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                    case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                    case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                    case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                    case (byte)'t': Push(PopToMark().ToArray()); break; // TUPLE
                    case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                    case (byte)'a': { var v = Pop(); List().Add(v); Count(1); break; } // APPEND
                    case (byte)'e': { var vs = PopToMark(); List().AddRange(vs); Count(vs.Count); break; } // APPENDS
                    case (byte)'}': Push(new PyDict()); break; // EMPTY_DICT
                    case (byte)'s': { var v = Pop(); var k = Pop(); Dict().Items.Add((k, v)); Count(1); break; } // SETITEM
                    case (byte)'u': // SETITEMS
                        {
                            var kv = PopToMark();
                            if (kv.Count % 2 != 0) throw Bad(_path, $"SETITEMS at byte {at} has an odd number of items.");
                            var d = Dict();
                            for (int i = 0; i < kv.Count; i += 2) d.Items.Add((kv[i], kv[i + 1]));
                            Count(kv.Count / 2);
                            break;
                        }
                    case (byte)'N': Push(null); break; // NONE
                    case 0x88: Push(true); break; // NEWTRUE
                    case 0x89: Push(false); break; // NEWFALSE
                    case (byte)'K': Push((long)Byte()); break; // BININT1
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                    case 0x8a: // LONG1
                        {
                            int n = Byte();
                            if (n > 8) throw Bad(_path, $"an integer of {n} bytes at byte {at} is too large.");
                            var raw = Take(n);
                            long v = 0;
                            for (int i = n - 1; i >= 0; i--) v = (v << 8) | raw[i];
                            if (n is > 0 and < 8 && (raw[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                            Push(v);
                            break;
                        }
                    case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                    case 0x8c: Push(Utf8(Byte())); break; // SHORT_BINUNICODE
                    case (byte)'X': Push(Utf8(U32())); break; // BINUNICODE
                    case 0x8d: Push(Utf8(Length64())); break; // BINUNICODE8
                    case (byte)'C': Push(Take(Byte()).ToArray()); break; // SHORT_BINBYTES
                    case (byte)'B': Push(Take(U32()).ToArray()); break; // BINBYTES
                    case 0x8e: Push(Take(Length64()).ToArray()); break; // BINBYTES8
                    case (byte)'U': Push(Encoding.Latin1.GetString(Take(Byte()))); break; // SHORT_BINSTRING (protocol 2 'str')
                    case (byte)'T': Push(Encoding.Latin1.GetString(Take(U32()))); break; // BINSTRING
                    case (byte)'R': // REDUCE
                        {
                            var args = Pop() as object?[];
                            var callable = Pop();
                            if (args is null || callable is not PyGlobal) throw Bad(_path, $"REDUCE at byte {at} does not apply an allowed global to a tuple.");
                            Push(new PyCall(callable, args));
                            break;
                        }
                    case (byte)'b': // BUILD
                        {
                            var state = Pop();
                            if (Peek() is not PyCall call || call.State is not null) throw Bad(_path, $"BUILD at byte {at} applies to something other than a reconstructed NumPy object.");
                            call.State = state;
                            break;
                        }
                    default:
                        throw Bad(_path, $"pickle opcode 0x{op:x2} at byte {at} is outside the subset RepLens reads.");
                }
            }
        }

        private PyGlobal Global(string module, string name)
        {
            var full = $"{module}.{name}";
            if (!AllowedGlobals.Contains(full)) throw Bad(_path, $"the pickle names the global {full}, which RepLens refuses to load.");
            return new PyGlobal(module, name);
        }

        private void Count(int n)
        {
            _items += n;
            if (_items > MaxItems) throw Bad(_path, $"more than {MaxItems} items.");
        }

        private void Push(object? value) => _stack.Add(value);

        private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad(_path, "stack underflow.");

        private object? Pop()
        {
            if (_stack.Count == 0 || _stack[^1] is Mark) throw Bad(_path, "stack underflow.");
            var v = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return v;
        }

        private List<object?> PopToMark()
        {
            int m = _stack.FindLastIndex(o => o is Mark);
            if (m < 0) throw Bad(_path, "a MARK is missing.");
            var items = _stack.GetRange(m + 1, _stack.Count - m - 1);
            _stack.RemoveRange(m, _stack.Count - m);
            return items;
        }

        private List<object?> List() => Peek() as List<object?> ?? throw Bad(_path, "APPEND to something that is not a list.");

        private PyDict Dict() => Peek() as PyDict ?? throw Bad(_path, "SETITEM to something that is not a dict.");

        private void Memo(long index)
        {
            if (_stack.Count == 0 || _stack[^1] is Mark) throw Bad(_path, "memoizing an empty stack.");
            _memo[index] = _stack[^1];
        }

        private object? Recall(long index) =>
            _memo.TryGetValue(index, out var v) ? v : throw Bad(_path, $"memo entry {index} is read before it is written.");

        private int Byte() => Take(1)[0];

        private int U32()
        {
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
            return n > MaxPickleBytes ? throw Bad(_path, $"a length of {n} runs past the end of the pickle.") : (int)n;
        }

        private int Length64()
        {
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
            return n > MaxPickleBytes ? throw Bad(_path, $"a length of {n} runs past the end of the pickle.") : (int)n;
        }

        private string Utf8(int length)
        {
            try { return new UTF8Encoding(false, true).GetString(Take(length)); }
            catch (DecoderFallbackException) { throw Bad(_path, "a string is not valid UTF-8."); }
        }

        private string Line()
        {
            int end = _data[_pos..].IndexOf((byte)'\n');
            if (end < 0 || end > 256) throw Bad(_path, "malformed GLOBAL opcode.");
            var s = Encoding.ASCII.GetString(_data.Slice(_pos, end));
            _pos += end + 1;
            return s;
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || _pos + n > _data.Length) throw Bad(_path, "the pickle is truncated.");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }
    }
}
