using Microsoft.ML;

namespace RepLens.Onnx.Extraction;

/// <summary>
/// Estimator of <see cref="OnnxLayerScoringTransformer"/>: creates the ONNX Runtime session when fitted.
/// Create it with <see cref="OnnxLayerScoringCatalog.ApplyOnnxLayers"/>.
/// </summary>
public sealed class OnnxLayerScoringEstimator : IEstimator<OnnxLayerScoringTransformer>
{
    private readonly byte[] _model;
    private readonly long[] _inputShape;
    private readonly OnnxLayerOutput[] _outputs;
    private readonly int? _gpuDeviceId;
    private readonly bool _fallbackToCpu;
    private readonly bool _optimizeGraph;

    internal OnnxLayerScoringEstimator(byte[] model, string inputColumnName, long[] inputShape, OnnxLayerOutput[] outputs, int? gpuDeviceId, bool fallbackToCpu, bool optimizeGraph)
    {
        _model = model;
        InputColumnName = inputColumnName;
        _inputShape = inputShape;
        _outputs = outputs;
        _gpuDeviceId = gpuDeviceId;
        _fallbackToCpu = fallbackToCpu;
        _optimizeGraph = optimizeGraph;
    }

    /// <summary>The input column (and model input) name.</summary>
    public string InputColumnName { get; }

    /// <summary>The outputs written as columns.</summary>
    public IReadOnlyList<OnnxLayerOutput> Outputs => _outputs;

    /// <inheritdoc />
    public OnnxLayerScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        OnnxLayerScoringTransformer.CheckInput(input.Schema, InputColumnName, _inputShape);
        return new OnnxLayerScoringTransformer(_model, InputColumnName, _inputShape, _outputs, _gpuDeviceId, _fallbackToCpu, _optimizeGraph);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        // ML.NET does not let other assemblies build schema-shape columns; a copy of the (float vector) input
        // declares exactly what each output is at this level: a known-size float vector.
        var context = new MLContext();
        IEstimator<ITransformer> chain = context.Transforms.CopyColumns(_outputs[0].Name, InputColumnName);
        foreach (var output in _outputs.Skip(1)) chain = chain.Append(context.Transforms.CopyColumns(output.Name, InputColumnName));
        return chain.GetOutputSchema(inputSchema);
    }
}
