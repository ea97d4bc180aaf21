namespace RepLens.Onnx.Extraction;

/// <summary>One output of an ONNX model that <see cref="OnnxLayerScoringEstimator"/> writes as a column.</summary>
/// <param name="Name">The graph output's name, which is also the column name.</param>
/// <param name="Shape">Its shape at batch 1 as the model declares it (all dimensions known), e.g. <c>[1, 64, 56, 56]</c>.</param>
/// <param name="ColumnDimensions">The column's vector dimensions (per stimulus), e.g. <c>[64, 56, 56]</c>.</param>
public sealed record OnnxLayerOutput(string Name, IReadOnlyList<long> Shape, IReadOnlyList<int> ColumnDimensions)
{
    /// <summary>Number of float values.</summary>
    public int Length => checked((int)Shape.Aggregate(1L, (a, b) => a * b));
}
