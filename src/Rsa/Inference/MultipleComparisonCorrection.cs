using System.Runtime.Serialization;

namespace RepLens.Rsa.Inference;

/// <summary>Correction of p-values for testing many layers, units or ROIs at once.</summary>
public enum MultipleComparisonCorrection
{
    /// <summary>Benjamini–Hochberg false discovery rate (doi:10.1111/j.2517-6161.1995.tb02031.x); valid under independence or positive dependence.</summary>
    [EnumMember(Value = "bh")]
    BenjaminiHochberg,

    /// <summary>Benjamini–Yekutieli false discovery rate (doi:10.1214/aos/1013699998); valid under any dependence.</summary>
    [EnumMember(Value = "by")]
    BenjaminiYekutieli,

    /// <summary>Bonferroni family-wise error control.</summary>
    Bonferroni,

    /// <summary>No correction.</summary>
    None,
}
