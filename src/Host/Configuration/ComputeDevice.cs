namespace RepLens.Host.Configuration;

/// <summary>Where the RSA core runs.</summary>
internal enum ComputeDevice
{
    Auto,
    Cpu,
    Cuda,
}
