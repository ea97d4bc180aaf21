using System.Globalization;
using System.Text.Json;
using RepLens.Host.Cli;

namespace RepLens.Host.Sharding;

/// <summary>
/// The <c>shards/</c> folder of a run folder: <c>plan.json</c> (the plan the shards ran) and one marker
/// <c>I-of-N.json</c> per finished shard.
/// </summary>
internal sealed class ShardFolder(string runFolder)
{
    public string RunFolder { get; } = Path.GetFullPath(runFolder);

    public string Root => Path.Combine(RunFolder, "shards");

    public string PlanPath => Path.Combine(Root, "plan.json");

    /// <summary>What the merge needs from <c>shards/plan.json</c>: the config, the number of shards, the stimulus split option and the plan's hash.</summary>
    public sealed record PlanHeader(string Config, int Shards, int? SplitStimuli, string Hash);

    public PlanHeader ReadPlan()
    {
        if (!File.Exists(PlanPath))
            throw new UserInputException($"{RunFolder} has no shards/plan.json: no shard of a sharded run has started there. " +
                "Run the shards first (replens run CONFIG --shard I/N for I = 0 … N − 1, or replens slurm CONFIG --shards N), then merge.");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(PlanPath));
            var r = doc.RootElement;
            var split = r.GetProperty("splitStimuli");
            return new PlanHeader(r.GetProperty("config").GetString()!, r.GetProperty("shards").GetInt32(),
                split.ValueKind == JsonValueKind.Null ? null : split.GetInt32(), r.GetProperty("hash").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{PlanPath}: not a shard plan ({e.Message}).", e);
        }
    }

    public string MarkerPath(int shard, int shards) =>
        Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"{shard}-of-{shards}.json"));
}
