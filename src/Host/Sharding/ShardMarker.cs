using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Run;

namespace RepLens.Host.Sharding;

/// <summary>
/// What a finished shard did, written last (atomically) to <c>shards/I-of-N.json</c>: its presence
/// means the shard finished. It names the plan it ran, each unit's cache entries (<c>kind/key</c>) and
/// timings, the cache hits and misses and the warnings of its computations.
/// </summary>
internal sealed record ShardMarker(
    int Shard,
    int Shards,
    string PlanHash,
    string Config,
    string Host,
    int ProcessId,
    string Started,
    string Finished,
    double Seconds,
    IReadOnlyList<ShardMarker.UnitRecord> Units,
    ShardMarker.CacheCounts Cache,
    IReadOnlyList<string> Warnings)
{
    public sealed record UnitRecord(int Id, string Description, double Seconds, IReadOnlyList<string> Entries);

    public sealed record CacheCounts(int ActivationHits, int ActivationMisses, int RdmHits, int RdmMisses, int TargetMisses);

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, RunManifest.JsonOptions));

    /// <summary>The marker at <paramref name="path"/>, or <c>null</c> if there is none or it cannot be read.</summary>
    public static ShardMarker? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ShardMarker>(File.ReadAllText(path), RunManifest.JsonOptions) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            return null;
        }
    }
}
