using RepLens.Abstractions;
using RepLens.Host.Configuration;

namespace RepLens.Host.Run;

/// <summary>A model of a run: its config entry, the opened model and the layers selected for analysis.</summary>
internal sealed record ModelSession(ModelConfig Config, string Family, ILoadedModel Model, IReadOnlyList<LayerDescription> Layers)
{
    public string Name => Config.Name;

    /// <summary>Relative depth in [0, 1] of a selected layer: its rank among the selected layers over (count − 1).</summary>
    public double RelativeDepth(LayerDescription layer)
    {
        int i = -1;
        for (int k = 0; k < Layers.Count; k++) if (ReferenceEquals(Layers[k], layer) || Layers[k] == layer) { i = k; break; }
        if (i < 0) throw new ArgumentException($"Layer '{layer.Name}' is not selected for model '{Name}'.");
        return Layers.Count == 1 ? 0.0 : i / (double)(Layers.Count - 1);
    }
}
