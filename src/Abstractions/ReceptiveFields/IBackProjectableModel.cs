using Microsoft.ML;

namespace RepLens.Abstractions.ReceptiveFields;

/// <summary>
/// A loaded model whose layers can be projected back to its input space (convolutional networks) and
/// that runs on tensors given directly in that space, for the receptive-field analysis: back-project a
/// unit, then feed the pattern forward to check that it drives the unit.
/// </summary>
public interface IBackProjectableModel : ILoadedModel
{
    /// <summary>
    /// The path from the network's input to <paramref name="layer"/>, with every node's back-projection
    /// rule and parameters. Throws <see cref="NotSupportedException"/> naming the operator and node when a
    /// node on the path has no back-projection rule (e.g. a transformer's <c>MatMul</c> or <c>Softmax</c>).
    /// </summary>
    /// <param name="layer">A layer of this model (from <see cref="ILoadedModel.Layers"/>).</param>
    BackProjectionPlan PlanBackProjection(LayerDescription layer);

    /// <summary>
    /// Like <see cref="ILoadedModel.Extract"/>, but each row's <paramref name="inputColumn"/> (a float
    /// vector of <see cref="BackProjectionPlan.InputLength"/> values, C × H × W in row-major order) is what
    /// the network's input receives: no image loading, resizing or normalisation.
    /// </summary>
    /// <param name="inputs">The view holding the input tensors.</param>
    /// <param name="inputColumn">The column of input tensors.</param>
    /// <param name="layers">Layers from <see cref="ILoadedModel.SelectLayers"/>.</param>
    /// <param name="options">Run-wide extraction settings.</param>
    IDataView ExtractFromInputTensors(IDataView inputs, string inputColumn, IReadOnlyList<LayerDescription> layers, ExtractionOptions options);
}
