namespace RepLens.Host.Sharding;

/// <summary>
/// One piece of work of a sharded run. <see cref="WorkUnitKind.Extract"/>: the activations of a group of
/// layers of one model for the stimuli [<see cref="Start"/>, Start + <see cref="Count"/>), extracted in
/// one pass, and — when the unit covers every stimulus — their RDMs under <see cref="Metrics"/>.
/// <see cref="WorkUnitKind.Target"/>: a target's representation and RDM.
/// </summary>
/// <param name="Id">Position in the plan (models in config order, layer groups in layer order, stimulus ranges in order, then targets).</param>
/// <param name="Kind">Extraction or target.</param>
/// <param name="Name">The model or target name.</param>
/// <param name="Layers">The layer names of an extraction unit (empty for a target).</param>
/// <param name="Start">First stimulus (row) of the unit.</param>
/// <param name="Count">Number of stimuli.</param>
/// <param name="WholeSet">Whether the unit covers every stimulus (then its RDMs are computed in the shard).</param>
/// <param name="Metrics">Layer RDM metrics the analyses need (config names), computed by whole-set units.</param>
/// <param name="Cost">Estimated cost: features × stimuli (a nominal value for targets).</param>
internal sealed record WorkUnit(int Id, WorkUnitKind Kind, string Name, IReadOnlyList<string> Layers, int Start, int Count, bool WholeSet,
    IReadOnlyList<string> Metrics, long Cost)
{
    public string Describe() => Kind == WorkUnitKind.Target
        ? $"target {Name}"
        : $"{Name}: {(Layers.Count == 1 ? "layer " + Layers[0] : $"{Layers.Count} layers {Layers[0]} … {Layers[^1]}")}" +
          (WholeSet ? $", all {Count} stimuli" + (Metrics.Count > 0 ? $" + RDMs ({string.Join(", ", Metrics)})" : "") : $", stimuli {Start}–{Start + Count - 1} (rows only)");
}

/// <summary>What a work unit does.</summary>
internal enum WorkUnitKind
{
    Extract,
    Target,
}
