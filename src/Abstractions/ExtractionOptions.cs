namespace RepLens.Abstractions;

/// <summary>Run-wide settings for extraction.</summary>
/// <param name="GpuDeviceId">CUDA device for ONNX Runtime, or <c>null</c> for the CPU (needs the GPU build of ONNX Runtime).</param>
/// <param name="FallbackToCpu">Whether to fall back to the CPU when the GPU cannot be used.</param>
/// <param name="OptimizeGraph">
/// Let ONNX Runtime optimise the graph (node fusions, NCHWc layouts): about 1.3× faster on CPU, but a layer's
/// values then change in the last bits (≈1e-6 relative) with the set of layers extracted alongside it, so cached,
/// resumed and sharded runs are no longer byte-identical to one pass. Off by default: the graph runs as exported.
/// </param>
public sealed record ExtractionOptions(int? GpuDeviceId = null, bool FallbackToCpu = true, bool OptimizeGraph = false)
{
    /// <summary>CPU extraction.</summary>
    public static ExtractionOptions Default { get; } = new();
}
