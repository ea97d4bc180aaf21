namespace RepLens.Rsa;

/// <summary>Where the RSA core runs its tensor work (TorchSharp).</summary>
public enum RsaDevice
{
    /// <summary>CUDA when TorchSharp sees a CUDA device (a CUDA build of libtorch is installed), the CPU otherwise.</summary>
    Auto,

    /// <summary>The CPU (all cores TorchSharp is allowed to use).</summary>
    Cpu,

    /// <summary>The first CUDA device; an error if there is none.</summary>
    Cuda,
}
