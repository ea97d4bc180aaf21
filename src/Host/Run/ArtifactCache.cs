using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Run;

/// <summary>
/// Content-addressed store of activations, target vectors and RDMs as <c>.npy</c> files:
/// <c>&lt;root&gt;/&lt;kind&gt;/&lt;key[0..2]&gt;/&lt;key&gt;.npy</c>, each with a JSON sidecar
/// (<c>&lt;key&gt;.json</c>) saying what it is and recording its size and SHA-256. The key is a hash
/// of everything that determines the bytes (<see cref="FormatVersion"/> included, so another RepLens
/// major version never reads these entries).
/// </summary>
/// <remarks>
/// An entry is written under a temporary name, then its sidecar is written, then the entry is renamed
/// into place: an entry under its final name always has its sidecar. An entry is used only if its
/// sidecar is there, of this format, and its size, <c>.npy</c> header and SHA-256 match; anything else
/// (a truncated or altered file, a sidecar lost, an entry copied from elsewhere) is deleted with a
/// warning and recomputed, never used. Temporaries of processes that are gone are removed by
/// <see cref="RemoveAbandonedTemporaries"/>.
/// </remarks>
internal sealed class ArtifactCache
{
    /// <summary>Bump the suffix when the meaning of cached bytes changes; old entries are then never looked up.</summary>
    public static string FormatVersion { get; } = $"replens{MajorVersion}-cache2";

    /// <summary>The kinds of entries (folders under the root).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["activations", "rdms", "targets"];

    /// <summary>How old a temporary of another machine must be before it counts as abandoned (its process cannot be checked from here).</summary>
    public static readonly TimeSpan ForeignTemporaryAge = TimeSpan.FromHours(24);

    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();
    private readonly ConcurrentDictionary<string, byte> _used = new(StringComparer.Ordinal);
    private readonly ILogger _log;

    public ArtifactCache(string root, CacheStatistics statistics, ILogger? log = null)
    {
        Root = Path.GetFullPath(root);
        Statistics = statistics;
        _log = log ?? NullLogger.Instance;
    }

    public static int MajorVersion => int.Parse(RunManifest.ToolVersion.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    public string Root { get; }

    public CacheStatistics Statistics { get; }

    /// <summary>Every entry looked up or written through this instance, as <c>kind/key</c>, sorted (for the manifest and <c>cache prune --keep</c>).</summary>
    public IReadOnlyList<string> Used => _used.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Records that the run depends on an entry (kept by <c>cache prune --keep</c>) without looking it up.</summary>
    public void MarkUsed(string kind, string key) => _used.TryAdd($"{kind}/{key}", 0);

    public string PathFor(string kind, string key) => Path.Combine(Root, kind, key[..2], key + ".npy");

    public static string SidecarFor(string entryPath) => Path.ChangeExtension(entryPath, ".json");

    /// <summary>Whether a valid entry of shape <paramref name="shape"/> exists; an invalid one is deleted (with a warning saying why).</summary>
    public bool TryGet(string kind, string key, IReadOnlyList<long> shape, out string path)
    {
        path = PathFor(kind, key);
        _used.TryAdd($"{kind}/{key}", 0);
        if (!File.Exists(path)) return false;
        var problem = Check(path, shape);
        if (problem is null)
        {
            Touch(path);
            return true;
        }
        _log.LogWarning("Cache: {Path} is not usable ({Problem}); it is deleted and recomputed", path, problem);
        Delete(path);
        return false;
    }

    /// <summary>Whether an entry is there and valid, without deleting anything (for the merge of a sharded run).</summary>
    public string? Problem(string kind, string key, IReadOnlyList<long>? shape = null)
    {
        var path = PathFor(kind, key);
        return File.Exists(path) ? Check(path, shape) : "missing";
    }

    /// <summary>The sidecar of an entry, or <c>null</c> if it has none or it cannot be read.</summary>
    public static JsonObject? ReadSidecar(string entryPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(SidecarFor(entryPath))) as JsonObject;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The warnings recorded with an entry when it was computed (e.g. rows with zero norm), to repeat them on a hit.</summary>
    public IReadOnlyList<string> WarningsOf(string kind, string key) =>
        ReadSidecar(PathFor(kind, key))?["warnings"] is JsonArray a ? a.Select(w => w?.GetValue<string>() ?? "").ToList() : [];

    /// <summary>
    /// What is wrong with an entry, or <c>null</c> if nothing: sidecar present and of this format, size,
    /// <c>.npy</c> header (and <paramref name="shape"/> when given) and SHA-256 as recorded.
    /// </summary>
    public static string? Check(string path, IReadOnlyList<long>? shape = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return "missing";
        var sidecar = ReadSidecar(path);
        if (sidecar is null) return "no readable sidecar (" + Path.GetFileName(SidecarFor(path)) + ")";
        var format = sidecar["format"]?.GetValue<string>();
        if (format != FormatVersion) return $"format '{format}', this version uses '{FormatVersion}'";
        var bytes = sidecar["bytes"]?.GetValue<long>();
        if (bytes != info.Length) return $"{info.Length} bytes, the sidecar records {bytes}";
        try
        {
            var header = Npy.ReadHeader(path);
            if (header.DataOffset + header.DataLength != info.Length)
                return $"the .npy header declares {header.DataOffset + header.DataLength} bytes, the file has {info.Length}";
            if (shape is not null && !header.Shape.SequenceEqual(shape))
                return $"shape {header.ShapeText}, expected ({string.Join(", ", shape)})";
        }
        catch (IOException e)
        {
            return e.Message;
        }
        var expected = sidecar["sha256"]?.GetValue<string>();
        var actual = Sha256(path);
        return actual == expected ? null : $"SHA-256 {actual[..12]}…, the sidecar records {expected?[..Math.Min(12, expected.Length)]}…";
    }

    /// <summary>SHA-256 of a file (memoised per process by path, length and write time).</summary>
    public static string Sha256(string path)
    {
        var info = new FileInfo(path);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(s));
        });
    }

    /// <summary>A temporary path to write entry <paramref name="key"/> to; <see cref="Seal"/> puts it in place.</summary>
    public string TemporaryPathFor(string kind, string key)
    {
        var path = PathFor(kind, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return AtomicFile.TemporaryNameFor(path);
    }

    /// <summary>
    /// Puts a fully written temporary file in place as entry <paramref name="key"/>: hashes it, writes the
    /// sidecar (with <paramref name="info"/>, e.g. <c>what</c>, and the <paramref name="warnings"/> of its
    /// computation), then renames the file to its final name.
    /// </summary>
    public string Seal(string kind, string key, string temporaryPath, IReadOnlyDictionary<string, object?> info, IReadOnlyList<string>? warnings = null)
    {
        var path = PathFor(kind, key);
        var data = new Dictionary<string, object?>(info)
        {
            ["format"] = FormatVersion,
            ["replens"] = RunManifest.ToolVersion,
            ["kind"] = kind,
            ["key"] = key,
            ["created"] = DateTime.UtcNow.ToString("O"),
            ["bytes"] = new FileInfo(temporaryPath).Length,
            ["sha256"] = Sha256(temporaryPath),
        };
        if (warnings is { Count: > 0 }) data["warnings"] = warnings;
        AtomicFile.WriteAllText(SidecarFor(path), JsonSerializer.Serialize(data, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporaryPath, path, overwrite: true);
        _used.TryAdd($"{kind}/{key}", 0);
        return path;
    }

    /// <summary>Writes an entry through <paramref name="write"/> (given the temporary path) and seals it.</summary>
    public string Store(string kind, string key, Action<string> write, IReadOnlyDictionary<string, object?> info, IReadOnlyList<string>? warnings = null)
    {
        var temporary = TemporaryPathFor(kind, key);
        try
        {
            write(temporary);
            return Seal(kind, key, temporary, info, warnings);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Deletes an entry and its sidecar.</summary>
    public static void Delete(string entryPath)
    {
        TryDelete(entryPath);
        TryDelete(SidecarFor(entryPath));
    }

    /// <summary>Deletes temporary files left by processes that no longer run (interrupted writes).</summary>
    public int RemoveAbandonedTemporaries() => RemoveAbandonedTemporaries(Root);

    /// <summary>
    /// Deletes the temporary files of gone writers under <paramref name="folder"/> (a cache, or a run
    /// folder a killed run was writing); <paramref name="skip"/> is a subfolder left alone.
    /// </summary>
    public static int RemoveAbandonedTemporaries(string folder, string? skip = null)
    {
        if (!Directory.Exists(folder)) return 0;
        var skipped = skip is null ? null : Path.GetFullPath(skip) + Path.DirectorySeparatorChar;
        int removed = 0;
        foreach (var f in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (!AtomicFile.IsTemporary(f) || !IsAbandoned(f)) continue;
            if (skipped is not null && Path.GetFullPath(f).StartsWith(skipped, StringComparison.Ordinal)) continue;
            if (TryDelete(f)) removed++;
        }
        return removed;
    }

    /// <summary>
    /// Whether a temporary file's writer is known to be gone: a process of this machine that no longer
    /// runs, or (for another machine, whose processes cannot be checked from here) a file untouched for
    /// <see cref="ForeignTemporaryAge"/>.
    /// </summary>
    public static bool IsAbandoned(string temporaryPath) => OwnerState(temporaryPath) != TemporaryOwner.Running;

    public enum TemporaryOwner { Running, Gone, ForeignStale }

    public static TemporaryOwner OwnerState(string temporaryPath)
    {
        if (!AtomicFile.TryGetWriter(temporaryPath, out var pid, out var host)) return TemporaryOwner.Gone;
        if (host is not null && host != AtomicFile.HostName)
        {
            var age = DateTime.UtcNow - File.GetLastWriteTimeUtc(temporaryPath);
            return age > ForeignTemporaryAge ? TemporaryOwner.ForeignStale : TemporaryOwner.Running;
        }
        if (pid == Environment.ProcessId) return TemporaryOwner.Running;
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited ? TemporaryOwner.Gone : TemporaryOwner.Running;
        }
        catch (ArgumentException)
        {
            return TemporaryOwner.Gone;
        }
    }

    /// <summary>Marks an entry as just used (its sidecar's write time), for <c>cache ls</c> and <c>cache prune --older-than</c>.</summary>
    private static void Touch(string entryPath)
    {
        try { File.SetLastWriteTimeUtc(SidecarFor(entryPath), DateTime.UtcNow); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
