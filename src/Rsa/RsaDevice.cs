namespace RepLens.Rsa;

/// <summary>Where the RSA core computes.</summary>
public enum RsaDevice
{
    /// <summary>CUDA when TorchSharp sees a CUDA device, the CPU otherwise.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA device (needs the CUDA build of libtorch).</summary>
    Cuda,
}
