namespace RepLens.Host.Configuration;

/// <summary>Precision of RDM accumulation.</summary>
internal enum ComputePrecision
{
    Float32,
    Float64,
}
