namespace RepLens.Rsa.Comparisons;

/// <summary>
/// How two RDMs are compared (on their condensed upper triangles). Config names (see
/// <see cref="RepLens.Abstractions.EnumNames"/>): <c>spearman</c>, <c>pearson</c>, <c>kendall-tau-a</c>,
/// <c>cosine</c>. Nili et al. (2014), rsatoolbox, doi:10.1371/journal.pcbi.1003553, discuss the choice.
/// </summary>
public enum ComparisonMethod
{
    /// <summary>Spearman's ρ: Pearson's r of the ranks, ties given their average rank (as <c>scipy.stats.spearmanr</c>).</summary>
    Spearman,

    /// <summary>Pearson's r (as <c>scipy.stats.pearsonr</c>).</summary>
    Pearson,

    /// <summary>
    /// Kendall's τ-a: (concordant − discordant) / (n(n−1)/2), ties counting as neither; recommended
    /// by Nili et al. (2014) for models that predict tied dissimilarities. Computed in O(n log n)
    /// with Knight's algorithm (Knight 1966, doi:10.1080/01621459.1966.10480879).
    /// </summary>
    KendallTauA,

    /// <summary>Cosine similarity of the dissimilarity vectors (not centred).</summary>
    Cosine,
}
