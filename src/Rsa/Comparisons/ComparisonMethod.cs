using System.Runtime.Serialization;

namespace RepLens.Rsa.Comparisons;

/// <summary>How two RDMs are compared (on their condensed upper triangles).</summary>
public enum ComparisonMethod
{
    /// <summary>Spearman's rank correlation, average ranks for ties.</summary>
    Spearman,

    /// <summary>Pearson's linear correlation.</summary>
    Pearson,

    /// <summary>Kendall's τ-a (ties count as neither concordant nor discordant), as recommended for categorical models by Nili et al. 2014.</summary>
    [EnumMember(Value = "kendall-tau-a")]
    KendallTauA,

    /// <summary>Cosine similarity of the dissimilarity vectors.</summary>
    Cosine,
}
