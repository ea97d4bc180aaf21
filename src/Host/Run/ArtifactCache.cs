using System.Diagnostics;
using System.Text.Json;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Run;

/// <summary>
/// Content-addressed store of activations, target vectors and RDMs as <c>.npy</c> files:
/// <c>&lt;root&gt;/&lt;kind&gt;/&lt;key[0..2]&gt;/&lt;key&gt;.npy</c>, with a JSON sidecar saying what each entry
/// is. The key is a hash of everything that determines the bytes; writes are atomic (temporary name,
/// then rename), so an entry either exists whole or not at all. An entry whose header does not match
/// the expected shape, or cannot be read, is deleted and recomputed, never used.
/// </summary>
internal sealed class ArtifactCache(string root, CacheStatistics statistics)
{
    /// <summary>Bump when the meaning of cached bytes changes; old entries are then never looked up.</summary>
    public const string FormatVersion = "replens-cache-1";

    public string Root { get; } = Path.GetFullPath(root);

    public CacheStatistics Statistics { get; } = statistics;

    public string PathFor(string kind, string key) => Path.Combine(Root, kind, key[..2], key + ".npy");

    /// <summary>Whether a valid entry of shape <paramref name="shape"/> exists; an invalid one is removed.</summary>
    public bool TryGet(string kind, string key, IReadOnlyList<long> shape, out string path)
    {
        path = PathFor(kind, key);
        if (!File.Exists(path)) return false;
        try
        {
            var header = Npy.ReadHeader(path);
            if (header.Shape.SequenceEqual(shape)) return true;
        }
        catch (IOException)
        {
        }
        File.Delete(path);
        return false;
    }

    /// <summary>Writes the sidecar describing an entry (after the entry itself is in place).</summary>
    public void Describe(string kind, string key, IReadOnlyDictionary<string, object?> info)
    {
        var data = new Dictionary<string, object?>(info) { ["format"] = FormatVersion, ["created"] = DateTime.UtcNow.ToString("O") };
        AtomicFile.WriteAllText(Path.ChangeExtension(PathFor(kind, key), ".json"),
            JsonSerializer.Serialize(data, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Deletes temporary files left by processes that no longer run (interrupted writes).</summary>
    public int RemoveAbandonedTemporaries()
    {
        if (!Directory.Exists(Root)) return 0;
        int removed = 0;
        foreach (var f in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            if (!AtomicFile.IsTemporary(f) || IsOwnerAlive(f)) continue;
            try
            {
                File.Delete(f);
                removed++;
            }
            catch (IOException)
            {
            }
        }
        return removed;
    }

    private static bool IsOwnerAlive(string temporaryPath)
    {
        var name = Path.GetFileName(temporaryPath);
        var at = name.IndexOf(".tmp-", StringComparison.Ordinal);
        var rest = name[(at + 5)..];
        var dash = rest.IndexOf('-');
        if (dash <= 0 || !int.TryParse(rest[..dash], out var pid)) return false;
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
