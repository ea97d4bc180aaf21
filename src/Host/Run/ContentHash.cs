using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace RepLens.Host.Run;

/// <summary>
/// SHA-256 content hashes (lower-case hex) for cache keys and the manifest. File hashes are memoised
/// per process by (path, length, last write time), so a file read twice in one run is hashed once.
/// </summary>
internal static class ContentHash
{
    private static readonly ConcurrentDictionary<(string, long, DateTime), string> Files = new();

    public static string OfFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"'{path}' does not exist.", path);
        return Files.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var s = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(s));
        });
    }

    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A hash of several parts, unambiguous (each part is length-prefixed).</summary>
    public static string Of(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts) sb.Append(p.Length).Append(':').Append(p).Append('\n');
        return OfText(sb.ToString());
    }
}
