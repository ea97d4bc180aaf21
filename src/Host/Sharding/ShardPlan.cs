using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RepLens.Host.Run;

namespace RepLens.Host.Sharding;

/// <summary>
/// The plan of a sharded run: its work units and which shard does each. It is a function of the
/// config, the models' layers, the number of stimuli and the plan options alone, so every shard and
/// the merge compute the same plan independently; <see cref="Hash"/> identifies it.
/// </summary>
internal sealed class ShardPlan
{
    public ShardPlan(int shards, int stimuli, int? splitStimuli, long memoryBudgetBytes, IReadOnlyList<WorkUnit> units, IReadOnlyList<int> assignment)
    {
        Shards = shards;
        Stimuli = stimuli;
        SplitStimuli = splitStimuli;
        MemoryBudgetBytes = memoryBudgetBytes;
        Units = units;
        Assignment = assignment;
        Hash = ContentHash.Of([.. Canonical()]);
    }

    public int Shards { get; }

    public int Stimuli { get; }

    /// <summary>The <c>--split-stimuli</c> option: null for automatic, 1 for never, K for K ranges per layer group.</summary>
    public int? SplitStimuli { get; }

    public long MemoryBudgetBytes { get; }

    public IReadOnlyList<WorkUnit> Units { get; }

    /// <summary>The shard of each unit (by unit id).</summary>
    public IReadOnlyList<int> Assignment { get; }

    public string Hash { get; }

    public IEnumerable<WorkUnit> UnitsOf(int shard) => Units.Where(u => Assignment[u.Id] == shard);

    public long CostOf(int shard) => UnitsOf(shard).Sum(u => u.Cost);

    /// <summary>The plan as written to <c>shards/plan.json</c> and printed by <c>replens plan --json</c>.</summary>
    public JsonObject ToJson(string configPath, string configSha256) => new()
    {
        ["config"] = configPath,
        ["configSha256"] = configSha256,
        ["shards"] = Shards,
        ["splitStimuli"] = SplitStimuli,
        ["stimuli"] = Stimuli,
        ["memory"] = MemoryBudgetBytes,
        ["hash"] = Hash,
        ["shardCosts"] = new JsonArray(Enumerable.Range(0, Shards).Select(s => (JsonNode?)CostOf(s)).ToArray()),
        ["units"] = new JsonArray(Units.Select(u => (JsonNode?)new JsonObject
        {
            ["id"] = u.Id,
            ["shard"] = Assignment[u.Id],
            ["kind"] = u.Kind == WorkUnitKind.Extract ? "extract" : "target",
            ["name"] = u.Name,
            ["layers"] = new JsonArray(u.Layers.Select(l => (JsonNode?)l).ToArray()),
            ["start"] = u.Start,
            ["count"] = u.Count,
            ["wholeSet"] = u.WholeSet,
            ["rdms"] = new JsonArray(u.Metrics.Select(m => (JsonNode?)m).ToArray()),
            ["cost"] = u.Cost,
        }).ToArray()),
    };

    /// <summary>What <c>replens plan</c> prints: every shard with its units and estimated cost.</summary>
    public string Describe()
    {
        var total = Math.Max(1, Units.Sum(u => u.Cost));
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{Units.Count} work units over {Shards} shards (numbered 0–{Shards - 1}), {Stimuli} stimuli; plan {Hash[..12]}");
        for (int s = 0; s < Shards; s++)
        {
            var cost = CostOf(s);
            w.WriteLine($"shard {s}: {cost / (double)total:P0} of the estimated cost");
            foreach (var u in UnitsOf(s)) w.WriteLine($"  unit {u.Id}: {u.Describe()}");
            if (!UnitsOf(s).Any()) w.WriteLine("  (nothing: more shards than work units)");
        }
        return w.ToString();
    }

    private IEnumerable<string> Canonical()
    {
        yield return "replens-plan-1";
        yield return Shards.ToString(CultureInfo.InvariantCulture);
        yield return Stimuli.ToString(CultureInfo.InvariantCulture);
        foreach (var u in Units)
            yield return JsonSerializer.Serialize(new object[] { u.Id, u.Kind.ToString(), u.Name, u.Layers, u.Start, u.Count, u.WholeSet, u.Metrics, Assignment[u.Id] });
    }
}
