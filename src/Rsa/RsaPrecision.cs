namespace RepLens.Rsa;

/// <summary>Floating-point type of the block products (the matrix multiplications) of the RSA core.</summary>
public enum RsaPrecision
{
    /// <summary>IEEE single precision: about twice the speed and half the memory per block of <see cref="Float64"/>.</summary>
    Float32,

    /// <summary>IEEE double precision throughout: agrees with SciPy's float64 results to about 1e-12.</summary>
    Float64,
}
