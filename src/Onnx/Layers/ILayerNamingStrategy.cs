using RepLens.Onnx.Graph;

namespace RepLens.Onnx.Layers;

/// <summary>
/// Decides which values of an ONNX graph are layers and what they are called. RepLens ships
/// <see cref="ModulePathNaming"/> (PyTorch exports: names are module paths) and
/// <see cref="NodeNameNaming"/> (any other exporter: names are node names) and
/// <see cref="ResNetStructureNaming"/> (ResNets whose node names carry no module paths, e.g. a CNTK export:
/// torchvision's names derived from the graph's structure).
/// </summary>
public interface ILayerNamingStrategy
{
    /// <summary>A short stable id, part of the model fingerprint (e.g. <c>module-path</c>).</summary>
    string Id { get; }

    /// <summary>
    /// Whether this strategy can name <paramref name="graph"/>'s layers; a strategy that needs a particular
    /// structure (<see cref="ResNetStructureNaming"/>) says no to other graphs, and automatic naming then
    /// falls back to <see cref="NodeNameNaming"/>. True unless overridden.
    /// </summary>
    /// <param name="graph">The graph to name.</param>
    bool CanName(OnnxGraph graph) => true;

    /// <summary>The layers of <paramref name="graph"/> in topological order, with unique names.</summary>
    /// <param name="graph">The graph to name.</param>
    IReadOnlyList<LayerCandidate> FindLayers(OnnxGraph graph);
}
