namespace RepLens.Abstractions.ReceptiveFields;

/// <summary>
/// Everything needed to project units of one layer back to a network's input space: the nodes between
/// the input and the layer in reverse topological order (the first step reads the layer), with their
/// parameters. Built from a network's graph by a model (<see cref="IBackProjectableModel"/>); run by the
/// tensor core (<c>RepLens.Rsa.ReceptiveFields.BackProjector</c>). Nodes that do not lead to the layer
/// (the rest of the network) are not in it.
/// </summary>
/// <param name="Model">The model's name, for messages.</param>
/// <param name="Layer">The layer's readable name.</param>
/// <param name="InputValue">The network input's name; the patterns live in its space (what the network receives, after the preprocessing).</param>
/// <param name="InputShape">Per-image input shape, [C, H, W].</param>
/// <param name="LayerValue">The layer's value name in the network.</param>
/// <param name="LayerShape">Per-image layer shape: [C, H, W] for feature maps, [C] for flat layers.</param>
/// <param name="Steps">The path, from the layer back to the input.</param>
public sealed record BackProjectionPlan(
    string Model,
    string Layer,
    string InputValue,
    IReadOnlyList<int> InputShape,
    string LayerValue,
    IReadOnlyList<int> LayerShape,
    IReadOnlyList<BackProjectionStep> Steps)
{
    /// <summary>Number of values of one pattern (C × H × W of the input).</summary>
    public int InputLength => InputShape.Aggregate(1, (a, d) => checked(a * d));

    /// <summary>
    /// The plan's structure without weights: operators, rules, shapes and window geometry in order. Two
    /// networks with the same architecture (e.g. before and after fine-tuning) have the same signature.
    /// </summary>
    public string ArchitectureSignature =>
        string.Join("\n", Steps.Select(s => $"{s.OpType}|{s.Rule}|{string.Join(",", s.OutputShape)}|{string.Join(";", s.InputShapes.Select(i => string.Join(",", i)))}|{s.Window}|{s.Groups}|{s.Divisor}"))
        + $"\ninput {string.Join(",", InputShape)} layer {string.Join(",", LayerShape)}";
}
