namespace RepLens.Onnx.Layers;

/// <summary>Helpers for layer names.</summary>
internal static class LayerNames
{
    /// <summary>Appends <c>_2</c>, <c>_3</c>, … to repeated names (also where their safe forms collide).</summary>
    internal static IReadOnlyList<LayerCandidate> MakeUnique(IEnumerable<LayerCandidate> layers)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var usedSafe = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LayerCandidate>();
        foreach (var layer in layers)
        {
            var name = layer.Name;
            for (int k = 2; used.Contains(name) || usedSafe.Contains(Abstractions.LayerDescription.MakeSafe(name)); k++)
                name = $"{layer.Name}_{k}";
            used.Add(name);
            usedSafe.Add(Abstractions.LayerDescription.MakeSafe(name));
            result.Add(name == layer.Name ? layer : layer with { Name = name });
        }
        return result;
    }
}
