using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Host.Run;

namespace RepLens.Host.Sharding;

/// <summary>
/// Splits a run into work units and balances them over shards. Layers of a model are grouped in
/// order so that a group's activations (features × stimuli × 4 bytes) fit the memory budget; groups
/// are halved until there are at least as many as shards (each group costs one forward pass, so no
/// more than needed); a group whose cost would dominate a shard (more than 1.25 × the fair share), or
/// every group with <c>--split-stimuli K</c>, is split into stimulus ranges whose row blocks the merge
/// concatenates. Units go to shards by cost, largest first, each to the least loaded shard.
/// </summary>
internal static class ShardPlanner
{
    /// <summary>The nominal cost of a target unit per stimulus (its real cost is not known before it runs).</summary>
    public const long TargetCostPerStimulus = 1024;

    /// <summary>Above this multiple of the fair share per shard, a layer group is split over stimuli (automatic mode).</summary>
    public const double DominanceFactor = 1.25;

    public sealed record ModelLayers(string Model, IReadOnlyList<LayerDescription> Layers, IReadOnlyList<string> Metrics);

    /// <summary>The plan of a run's inputs: every model's selected layers, the layer RDM metrics its analyses ask for, every target.</summary>
    public static ShardPlan Plan(RunInputs inputs, IReadOnlyList<IAnalysisKind> kinds, int shards, int? splitStimuli)
    {
        var wanted = inputs.Config.Analyses
            .SelectMany(a => kinds.Single(k => k.Kind == a.Kind).LayerRdms(a.Settings))
            .ToLookup(x => x.Model, x => EnumNames.Name(x.Metric), StringComparer.Ordinal);
        var models = inputs.Models.Select(m => new ModelLayers(m.Name, m.Layers, wanted[m.Name].Distinct().Order(StringComparer.Ordinal).ToList())).ToList();
        return Plan(models, inputs.Targets.Select(t => t.Name).ToList(), inputs.Stimuli.Count, shards, splitStimuli, inputs.Config.MemoryBudgetBytes);
    }

    public static ShardPlan Plan(IReadOnlyList<ModelLayers> models, IReadOnlyList<string> targets, int stimuli, int shards, int? splitStimuli, long memoryBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stimuli, 1);
        if (splitStimuli is < 1)
            throw new ConfigurationErrorException("--split-stimuli", $"expected a number of stimulus ranges ≥ 1, found {splitStimuli}.");
        if (splitStimuli > stimuli)
            throw new ConfigurationErrorException("--split-stimuli", $"{splitStimuli} ranges for {stimuli} stimuli: at most one range per stimulus.");

        // Layer groups under the memory budget.
        var groups = new List<(int Model, List<LayerDescription> Layers)>();
        for (int m = 0; m < models.Count; m++)
        {
            var current = new List<LayerDescription>();
            long bytes = 0;
            foreach (var layer in models[m].Layers)
            {
                long b = layer.FeatureCount * stimuli * sizeof(float);
                if (current.Count > 0 && bytes + b > memoryBudgetBytes)
                {
                    groups.Add((m, current));
                    current = [];
                    bytes = 0;
                }
                current.Add(layer);
                bytes += b;
            }
            if (current.Count > 0) groups.Add((m, current));
        }

        long Cost(List<LayerDescription> layers, int count) => layers.Sum(l => l.FeatureCount) * count;

        // At least as many groups as shards where layers allow: halve the costliest group (by cost).
        while (groups.Count < shards)
        {
            int best = -1;
            for (int g = 0; g < groups.Count; g++)
                if (groups[g].Layers.Count > 1 && (best < 0 || Cost(groups[g].Layers, stimuli) > Cost(groups[best].Layers, stimuli))) best = g;
            if (best < 0) break;
            var (model, layers) = groups[best];
            long total = Cost(layers, 1), left = 0;
            int cut = 1;
            long bestGap = long.MaxValue;
            for (int k = 1; k < layers.Count; k++)
            {
                left += layers[k - 1].FeatureCount;
                long gap = Math.Abs(total - 2 * left);
                if (gap < bestGap) (bestGap, cut) = (gap, k);
            }
            groups[best] = (model, layers.Take(cut).ToList());
            groups.Insert(best + 1, (model, layers.Skip(cut).ToList()));
        }

        long totalCost = groups.Sum(g => Cost(g.Layers, stimuli)) + targets.Count * TargetCostPerStimulus * stimuli;
        double fair = totalCost / (double)shards;
        var units = new List<WorkUnit>();
        foreach (var (m, layers) in groups)
        {
            long cost = Cost(layers, stimuli);
            int ranges = splitStimuli ?? (shards > 1 && cost > DominanceFactor * fair ? (int)Math.Min(Math.Min(shards, stimuli), Math.Ceiling(cost / fair)) : 1);
            for (int r = 0; r < ranges; r++)
            {
                int start = (int)((long)stimuli * r / ranges), end = (int)((long)stimuli * (r + 1) / ranges);
                units.Add(new WorkUnit(units.Count, WorkUnitKind.Extract, models[m].Model, layers.Select(l => l.Name).ToList(), start, end - start,
                    ranges == 1, models[m].Metrics, Cost(layers, end - start)));
            }
        }
        foreach (var t in targets)
            units.Add(new WorkUnit(units.Count, WorkUnitKind.Target, t, [], 0, stimuli, true, [], TargetCostPerStimulus * stimuli));

        // Largest first, each to the least loaded shard (ties: lower ids, lower shard numbers): deterministic.
        var assignment = new int[units.Count];
        var load = new long[shards];
        foreach (var u in units.OrderByDescending(u => u.Cost).ThenBy(u => u.Id))
        {
            int s = 0;
            for (int k = 1; k < shards; k++) if (load[k] < load[s]) s = k;
            assignment[u.Id] = s;
            load[s] += u.Cost;
        }
        return new ShardPlan(shards, stimuli, splitStimuli, memoryBudgetBytes, units, assignment);
    }
}
