namespace RepLens.Abstractions;

/// <summary>Run-wide settings for extraction.</summary>
/// <param name="GpuDeviceId">CUDA device for ONNX Runtime, or <c>null</c> for the CPU (needs the GPU build of ONNX Runtime).</param>
/// <param name="FallbackToCpu">Whether to fall back to the CPU when the GPU cannot be used.</param>
public sealed record ExtractionOptions(int? GpuDeviceId = null, bool FallbackToCpu = true)
{
    /// <summary>CPU extraction.</summary>
    public static ExtractionOptions Default { get; } = new();
}
