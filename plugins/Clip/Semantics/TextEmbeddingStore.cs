using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// The on-disk cache of text embeddings of one encoder: a folder named after the encoder's fingerprint
/// holding segments, each an (M × D) float32 <c>&lt;hash&gt;.npy</c> and a <c>&lt;hash&gt;.keys</c> file with the
/// SHA-256 of each row's text (UTF-8), one per line. A segment is written atomically (the <c>.npy</c>, then
/// its keys) by whichever run computed its embeddings, so vectors come back bit for bit; a segment whose
/// files disagree or cannot be read is ignored. One segment per call that computed something keeps the
/// file count low (one per run, not one per caption).
/// </summary>
internal sealed class TextEmbeddingStore
{
    private readonly string _folder;
    private readonly int _dimensions;
    private Dictionary<string, (string Segment, int Row)>? _index;

    public TextEmbeddingStore(string root, string encoderFingerprint, int dimensions)
    {
        _folder = Path.Combine(Path.GetFullPath(root), "text-embeddings", encoderFingerprint);
        _dimensions = dimensions;
    }

    public string Folder => _folder;

    /// <summary>The key of a text: SHA-256 of its UTF-8 bytes (the folder already names the encoder).</summary>
    public static string Key(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The cached vectors of <paramref name="keys"/> that are on disk (others absent from the result).</summary>
    public Dictionary<string, float[]> TryGet(IReadOnlyCollection<string> keys)
    {
        var index = Index();
        var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var segment in keys.Where(index.ContainsKey).GroupBy(k => index[k].Segment))
        {
            float[] data;
            try
            {
                var npy = Npy.ReadFloat32(segment.Key);
                if (npy.Shape.Count != 2 || npy.Shape[1] != _dimensions) continue;
                data = npy.Data;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NpyFormatException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var key in segment)
            {
                int row = index[key].Row;
                if ((long)(row + 1) * _dimensions > data.Length) continue;
                found[key] = data.AsSpan(row * _dimensions, _dimensions).ToArray();
            }
        }
        return found;
    }

    /// <summary>Writes one segment with these vectors (keys in the same order).</summary>
    public void Add(IReadOnlyList<string> keys, IReadOnlyList<float[]> vectors)
    {
        if (keys.Count == 0) return;
        var name = SemanticsHash.Of([.. keys])[..32];
        var npy = Path.Combine(_folder, name + ".npy");
        var keyFile = Path.Combine(_folder, name + ".keys");
        var data = new float[keys.Count * _dimensions];
        for (int i = 0; i < keys.Count; i++) vectors[i].CopyTo(data, i * _dimensions);
        Npy.Write(npy, data, [keys.Count, _dimensions]);
        AtomicFile.WriteAllText(keyFile, string.Join('\n', keys) + "\n");
        var index = Index();
        for (int i = 0; i < keys.Count; i++) index[keys[i]] = (npy, i);
    }

    private Dictionary<string, (string Segment, int Row)> Index()
    {
        if (_index is not null) return _index;
        var index = new Dictionary<string, (string Segment, int Row)>(StringComparer.Ordinal);
        if (Directory.Exists(_folder))
        {
            foreach (var keyFile in Directory.EnumerateFiles(_folder, "*.keys").Order(StringComparer.Ordinal))
            {
                if (AtomicFile.IsTemporary(keyFile)) continue;
                var npy = Path.ChangeExtension(keyFile, ".npy");
                try
                {
                    var keys = File.ReadAllLines(keyFile).Where(l => l.Length > 0).ToArray();
                    var header = Npy.ReadHeader(npy);
                    if (header.Shape.Count != 2 || header.Shape[0] != keys.Length || header.Shape[1] != _dimensions) continue;
                    for (int i = 0; i < keys.Length; i++) index.TryAdd(keys[i], (npy, i));
                }
                catch (Exception e) when (e is IOException or NpyFormatException or UnauthorizedAccessException)
                {
                }
            }
        }
        return _index = index;
    }

    /// <summary>For messages: how many entries the folder holds.</summary>
    public override string ToString() => $"{_folder} ({Index().Count.ToString(CultureInfo.InvariantCulture)} texts)";
}
