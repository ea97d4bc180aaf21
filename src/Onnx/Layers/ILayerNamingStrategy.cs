using RepLens.Onnx.Graph;

namespace RepLens.Onnx.Layers;

/// <summary>
/// Decides which values of an ONNX graph are layers and what they are called. RepLens ships
/// <see cref="ModulePathNaming"/> (PyTorch exports: names are module paths) and
/// <see cref="NodeNameNaming"/> (any other exporter: names are node names); a model family whose
/// exports carry no usable names (e.g. a CNTK ResNet) can derive names from the graph's structure.
/// </summary>
public interface ILayerNamingStrategy
{
    /// <summary>A short stable id, part of the model fingerprint (e.g. <c>module-path</c>).</summary>
    string Id { get; }

    /// <summary>The layers of <paramref name="graph"/> in topological order, with unique names.</summary>
    /// <param name="graph">The graph to name.</param>
    IReadOnlyList<LayerCandidate> FindLayers(OnnxGraph graph);
}
