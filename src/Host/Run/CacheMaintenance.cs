using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Sharding;

namespace RepLens.Host.Run;

/// <summary>
/// What <c>replens cache ls|verify|prune</c> do on a cache folder: list entries with what they are and
/// when they were last used, check every entry against its sidecar, and delete what is no longer wanted.
/// </summary>
internal static class CacheMaintenance
{
    /// <summary>An entry: its kind and key, size, what it is (from the sidecar), when it was last used (the sidecar's write time).</summary>
    public sealed record Entry(string Kind, string Key, string Path, long Bytes, string What, DateTime LastUsedUtc);

    /// <summary>A temporary file of an interrupted or running write.</summary>
    public sealed record Temporary(string Path, long Bytes, DateTime WrittenUtc, ArtifactCache.TemporaryOwner Owner);

    /// <summary>The contents of a cache folder.</summary>
    public sealed record Scan(string Root, IReadOnlyList<Entry> Entries, IReadOnlyList<Temporary> Temporaries, IReadOnlyList<string> OrphanSidecars);

    public static Scan Read(string root)
    {
        root = System.IO.Path.GetFullPath(root);
        var entries = new List<Entry>();
        var temporaries = new List<Temporary>();
        var orphans = new List<string>();
        foreach (var kind in ArtifactCache.Kinds)
        {
            var dir = System.IO.Path.Combine(root, kind);
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(f);
                if (AtomicFile.IsTemporary(f))
                {
                    temporaries.Add(new Temporary(f, info.Length, info.LastWriteTimeUtc, ArtifactCache.OwnerState(f)));
                }
                else if (f.EndsWith(".npy", StringComparison.Ordinal))
                {
                    var sidecar = ArtifactCache.SidecarFor(f);
                    var what = ArtifactCache.ReadSidecar(f)?["what"]?.GetValue<string>() ?? "(no sidecar)";
                    var used = File.Exists(sidecar) ? File.GetLastWriteTimeUtc(sidecar) : info.LastWriteTimeUtc;
                    entries.Add(new Entry(kind, System.IO.Path.GetFileNameWithoutExtension(f), f, info.Length, what, used));
                }
                else if (f.EndsWith(".json", StringComparison.Ordinal) && !File.Exists(System.IO.Path.ChangeExtension(f, ".npy")))
                {
                    orphans.Add(f);
                }
            }
        }
        return new Scan(root, entries, temporaries, orphans);
    }

    /// <summary>Every entry that fails its check (sidecar, size, header, SHA-256), with the reason.</summary>
    public static IReadOnlyList<(Entry Entry, string Problem)> Verify(Scan scan) =>
        scan.Entries.Select(e => (e, ArtifactCache.Check(e.Path))).Where(x => x.Item2 is not null).Select(x => (x.e, x.Item2!)).ToList();

    /// <summary>The entries (<c>kind/key</c>) a run folder depends on: its manifest's and its shard markers'.</summary>
    public static IReadOnlySet<string> EntriesOf(string runFolder, out string? warning)
    {
        warning = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var manifest = System.IO.Path.Combine(runFolder, "manifest.json");
        if (File.Exists(manifest))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            if (doc.RootElement.TryGetProperty("cache", out var c) && c.TryGetProperty("entries", out var e))
                foreach (var k in e.EnumerateArray()) keys.Add(k.GetString()!);
        }
        var shards = new ShardFolder(runFolder).Root;
        if (Directory.Exists(shards))
            foreach (var f in Directory.EnumerateFiles(shards, "*-of-*.json"))
                foreach (var u in ShardMarker.TryRead(f)?.Units ?? [])
                    foreach (var k in u.Entries) keys.Add(k);
        if (!File.Exists(manifest) && !Directory.Exists(shards))
            throw new DirectoryNotFoundException($"--keep {runFolder}: not a run folder (no manifest.json, no shards/).");
        if (keys.Count == 0) warning = $"--keep {runFolder}: its manifest lists no cache entries (a run of an older RepLens?); nothing is kept for it.";
        return keys;
    }

    /// <summary>Deletes an entry with its sidecar; returns its size.</summary>
    public static long Delete(Entry e)
    {
        ArtifactCache.Delete(e.Path);
        return e.Bytes;
    }

    /// <summary>Parses durations such as <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>2w</c>, <c>45s</c>.</summary>
    public static bool TryParseAge(string? text, out TimeSpan age)
    {
        age = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (!double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 0) return false;
        TimeSpan? unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            'w' => TimeSpan.FromDays(7),
            _ => null,
        };
        if (unit is null) return false;
        age = unit.Value * v;
        return true;
    }

    public static string FormatAge(TimeSpan t) => t.TotalDays >= 2 ? $"{t.TotalDays:0} d" : t.TotalHours >= 2 ? $"{t.TotalHours:0} h" : t.TotalMinutes >= 2 ? $"{t.TotalMinutes:0} min" : $"{Math.Max(0, t.TotalSeconds):0} s";
}
