using System.Security.Cryptography;
using System.Text;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>SHA-256 content hashes (lower-case hex) for fingerprints and cache keys.</summary>
internal static class SemanticsHash
{
    /// <summary>A hash of several parts, unambiguous (each part is length-prefixed).</summary>
    public static string Of(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts) sb.Append(p.Length).Append(':').Append(p).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The hash of a file's bytes.</summary>
    public static string OfFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
