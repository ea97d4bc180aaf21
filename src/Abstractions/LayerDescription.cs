namespace RepLens.Abstractions;

/// <summary>
/// A layer a model commits to, with the name users select it by and how it maps to the network's
/// own name (Brain-Score's <c>get_layers</c>).
/// </summary>
/// <param name="Name">Readable name, e.g. the PyTorch module path <c>layer1.0.relu</c>.</param>
/// <param name="NetworkName">The network's own name for the tensor (an ONNX value name).</param>
/// <param name="OpType">The operation producing it (<c>Relu</c>, <c>Conv</c>, …).</param>
/// <param name="Kind">What the layer does.</param>
/// <param name="Shape">Per-stimulus shape, batch dimension excluded, e.g. <c>[64, 56, 56]</c>.</param>
/// <param name="Depth">Position in topological order, 0 = closest to the input.</param>
public sealed record LayerDescription(
    string Name,
    string NetworkName,
    string OpType,
    LayerKind Kind,
    IReadOnlyList<int> Shape,
    int Depth)
{
    /// <summary>Number of features per stimulus (product of <see cref="Shape"/>).</summary>
    public long FeatureCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>A name safe for files and data-view columns: characters other than letters, digits, '.', '-' and '_' become '_'.</summary>
    public string SafeName => MakeSafe(Name);

    /// <summary>Makes <paramref name="name"/> safe for file and column names.</summary>
    /// <param name="name">Any layer name.</param>
    public static string MakeSafe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        var safe = new string(chars).Trim('_');
        return safe.Length == 0 ? "layer" : safe;
    }
}
