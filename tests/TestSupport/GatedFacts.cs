using Xunit;

namespace RepLens.TestSupport;

/// <summary>A test that needs a CUDA device TorchSharp can see; skipped with the reason otherwise.</summary>
/// <remarks>Set REPLENS_CUDA=1 where a CUDA build of libtorch is installed; this project ships the CPU build.</remarks>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("REPLENS_CUDA") != "1")
            Skip = "Needs a CUDA device and the CUDA build of libtorch (set REPLENS_CUDA=1 on such a machine); none here.";
    }
}

/// <summary>A test that needs real model weights a lab exports with tools/export_onnx.py; skipped otherwise.</summary>
public sealed class WeightsFactAttribute : FactAttribute
{
    public WeightsFactAttribute(string environmentVariable)
    {
        var path = Environment.GetEnvironmentVariable(environmentVariable);
        if (string.IsNullOrEmpty(path) || !System.IO.File.Exists(path))
            Skip = $"Needs real weights: set {environmentVariable} to an ONNX export made with tools/export_onnx.py (no weights can be downloaded here).";
    }
}
