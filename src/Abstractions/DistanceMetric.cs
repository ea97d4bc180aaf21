using System.Runtime.Serialization;

namespace RepLens.Abstractions;

/// <summary>Dissimilarity between two stimulus patterns (rows of an (N × P) matrix).</summary>
public enum DistanceMetric
{
    /// <summary>1 − cos(x, y). The seed study's default for layers, saliency maps and caption embeddings.</summary>
    Cosine,

    /// <summary>1 − Pearson r(x, y): the cosine distance of the mean-centred rows.</summary>
    Correlation,

    /// <summary>‖x − y‖₂.</summary>
    Euclidean,

    /// <summary>‖x − y‖₂².</summary>
    [EnumMember(Value = "sqeuclidean")]
    SquaredEuclidean,
}
