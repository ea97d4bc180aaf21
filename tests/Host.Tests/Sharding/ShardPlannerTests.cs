using RepLens.Abstractions;
using RepLens.Host.Sharding;
using Xunit;

namespace RepLens.Host.Tests.Sharding;

/// <summary>The shard plan: every layer and stimulus exactly once, under the memory budget, balanced, deterministic.</summary>
public sealed class ShardPlannerTests
{
    private static LayerDescription Layer(string name, long features, int depth) =>
        new(name, name, "Relu", LayerKind.Activation, new[] { checked((int)features) }, depth);

    private static ShardPlanner.ModelLayers Model(string name, params long[] features) =>
        new(name, features.Select((f, i) => Layer($"l{i}", f, i)).ToList(), ["cosine"]);

    private static void AssertCoversEverything(ShardPlan plan, IReadOnlyList<ShardPlanner.ModelLayers> models, int stimuli)
    {
        foreach (var m in models)
            foreach (var l in m.Layers)
            {
                var ranges = plan.Units.Where(u => u.Kind == WorkUnitKind.Extract && u.Name == m.Model && u.Layers.Contains(l.Name))
                    .OrderBy(u => u.Start).ToList();
                Assert.NotEmpty(ranges);
                Assert.Equal(0, ranges[0].Start);
                for (int i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].Start + ranges[i - 1].Count, ranges[i].Start);
                Assert.Equal(stimuli, ranges[^1].Start + ranges[^1].Count);
                Assert.All(ranges, r => Assert.Equal(ranges[0].Layers, r.Layers));
            }
        Assert.All(plan.Assignment, s => Assert.InRange(s, 0, plan.Shards - 1));
    }

    [Fact]
    public void Plan_ManyLayers_CoversEveryLayerAndStimulusOnceAndIsDeterministic()
    {
        var models = new[] { Model("a", 100, 200, 300, 400, 500, 600), Model("b", 50, 50, 50) };
        var plan = ShardPlanner.Plan(models, ["t"], 100, 4, null, 1L << 30);
        var again = ShardPlanner.Plan(models, ["t"], 100, 4, null, 1L << 30);

        AssertCoversEverything(plan, models, 100);
        Assert.Equal(plan.Hash, again.Hash);
        Assert.Single(plan.Units, u => u.Kind == WorkUnitKind.Target);
        Assert.Equal(Enumerable.Range(0, plan.Units.Count), plan.Units.Select(u => u.Id));
    }

    [Fact]
    public void Plan_MemoryBudget_KeepsEachGroupUnderIt()
    {
        var models = new[] { Model("a", 1000, 1000, 1000, 1000, 1000) };
        // 10 stimuli × 4 bytes × 1000 features = 40 kB per layer; a 100 kB budget holds two layers.
        var plan = ShardPlanner.Plan(models, [], 10, 1, 1, 100_000);

        Assert.Equal(new[] { 2, 2, 1 }, plan.Units.Select(u => u.Layers.Count));
        AssertCoversEverything(plan, models, 10);
    }

    [Fact]
    public void Plan_FewerGroupsThanShards_HalvesGroupsByCost()
    {
        var models = new[] { Model("a", 10, 10, 10, 10, 10, 10, 10, 10) };
        var plan = ShardPlanner.Plan(models, [], 20, 4, 1, 1L << 30);

        Assert.Equal(4, plan.Units.Count);
        Assert.All(plan.Units, u => Assert.Equal(2, u.Layers.Count));
        Assert.Equal(new[] { 0, 1, 2, 3 }, plan.Assignment.Order());
    }

    [Fact]
    public void Plan_DominatingLayer_IsSplitOverStimuliAutomatically()
    {
        var models = new[] { Model("a", 10_000, 100, 100) };
        var plan = ShardPlanner.Plan(models, [], 48, 4, null, 1L << 30);

        var big = plan.Units.Where(u => u.Layers.Contains("l0")).ToList();
        Assert.True(big.Count > 1, plan.Describe());
        Assert.All(big, u => Assert.False(u.WholeSet));
        Assert.All(plan.Units.Where(u => !u.Layers.Contains("l0")), u => Assert.True(u.WholeSet));
        AssertCoversEverything(plan, models, 48);
    }

    [Fact]
    public void Plan_SplitStimuliOne_NeverSplitsRows()
    {
        var models = new[] { Model("a", 10_000, 100, 100) };
        var plan = ShardPlanner.Plan(models, [], 48, 4, 1, 1L << 30);

        Assert.All(plan.Units, u => Assert.True(u.WholeSet));
    }

    [Fact]
    public void Plan_SplitStimuliK_GivesKRangesPerGroup()
    {
        var models = new[] { Model("a", 100, 100) };
        var plan = ShardPlanner.Plan(models, [], 10, 2, 3, 1L << 30);

        Assert.Equal(6, plan.Units.Count);
        Assert.Equal(new[] { (0, 3), (3, 3), (6, 4) }, plan.Units.Where(u => u.Layers[0] == "l0").Select(u => (u.Start, u.Count)));
        AssertCoversEverything(plan, models, 10);
    }

    [Fact]
    public void Plan_Balance_LargestFirstKeepsShardsWithinTheLargestUnitOfEachOther()
    {
        var models = new[] { Model("a", 90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 5) };
        var plan = ShardPlanner.Plan(models, [], 10, 3, 1, 1L << 30);

        var loads = Enumerable.Range(0, 3).Select(plan.CostOf).ToList();
        Assert.True(loads.Max() - loads.Min() <= plan.Units.Max(u => u.Cost), string.Join(", ", loads));
    }

    [Fact]
    public void Plan_TooManyRanges_IsAnError()
    {
        Assert.Throws<ConfigurationErrorException>(() => ShardPlanner.Plan([Model("a", 10)], [], 5, 2, 6, 1L << 30));
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void ShardSpecParse_Valid_ReadsIndexAndCount(string text, int index, int count)
    {
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text, "--shard"));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void ShardSpecParse_Invalid_SaysShardsCountFromZero(string text)
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => ShardSpec.Parse(text, "--shard"));
        Assert.Contains("numbered from 0", e.Message);
    }
}
