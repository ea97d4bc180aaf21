using Microsoft.ML;

namespace RepLens.Onnx.Extraction;

/// <summary>Catalog-style entry point for <see cref="OnnxLayerScoringEstimator"/>.</summary>
public static class OnnxLayerScoringCatalog
{
    /// <summary>
    /// Runs an ONNX model (one float input of fixed shape, float outputs of fixed shapes) on every row and
    /// writes one float vector column per output. Unlike ML.NET's <c>ApplyOnnxModel</c>, whose ONNX Runtime
    /// output tensors are never released (memory grows by every row's outputs: 40 MB per image for the
    /// ReLU layers of a ResNet-50), outputs are written into buffers bound once per cursor, so memory stays
    /// flat over any number of rows.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="model">The serialised ONNX model.</param>
    /// <param name="inputColumnName">A float vector column whose values fill the model's input (its name is the input's name).</param>
    /// <param name="inputShape">The input's shape, e.g. <c>[1, 3, 224, 224]</c>.</param>
    /// <param name="outputs">The outputs to write as columns.</param>
    /// <param name="gpuDeviceId">A CUDA device (the GPU build of ONNX Runtime), or <c>null</c> for the CPU.</param>
    /// <param name="fallbackToCpu">Use the CPU when the CUDA device cannot be used.</param>
    /// <param name="optimizeGraph">Let ONNX Runtime optimise the graph (faster; values then depend on which outputs are requested, see <see cref="RepLens.Abstractions.ExtractionOptions.OptimizeGraph"/>).</param>
    public static OnnxLayerScoringEstimator ApplyOnnxLayers(this TransformsCatalog catalog, byte[] model, string inputColumnName,
        IReadOnlyList<long> inputShape, IReadOnlyList<OnnxLayerOutput> outputs, int? gpuDeviceId = null, bool fallbackToCpu = true, bool optimizeGraph = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException("No outputs to write.", nameof(outputs));
        return new OnnxLayerScoringEstimator(model, inputColumnName, inputShape.ToArray(), outputs.ToArray(), gpuDeviceId, fallbackToCpu, optimizeGraph);
    }
}
