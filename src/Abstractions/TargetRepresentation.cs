using Microsoft.ML;

namespace RepLens.Abstractions;

/// <summary>
/// What a target gives for a stimulus set: per-stimulus vectors (an <see cref="IDataView"/> with the
/// <see cref="StimulusColumns.Id"/> column and a fixed-size <c>VBuffer&lt;float&gt;</c> column, one row
/// per stimulus in table order), from which the host builds an RDM with <see cref="Metric"/>; or a
/// ready <see cref="Rdm"/> over the stimuli.
/// </summary>
public sealed class TargetRepresentation
{
    private TargetRepresentation(IDataView? vectors, string? column, Rdm? rdm, DistanceMetric metric)
    {
        Vectors = vectors;
        VectorColumn = column;
        ReadyRdm = rdm;
        Metric = metric;
    }

    /// <summary>The per-stimulus vectors, or <c>null</c> for a ready RDM.</summary>
    public IDataView? Vectors { get; }

    /// <summary>Name of the vector column in <see cref="Vectors"/>.</summary>
    public string? VectorColumn { get; }

    /// <summary>A ready RDM, or <c>null</c> for vectors.</summary>
    public Rdm? ReadyRdm { get; }

    /// <summary>The metric the host uses to turn the vectors into an RDM.</summary>
    public DistanceMetric Metric { get; }

    /// <summary>Per-stimulus vectors.</summary>
    /// <param name="vectors">A view with the id column and <paramref name="column"/>.</param>
    /// <param name="column">The vector column.</param>
    /// <param name="metric">The metric for the RDM.</param>
    public static TargetRepresentation FromVectors(IDataView vectors, string column, DistanceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentException.ThrowIfNullOrEmpty(column);
        return new TargetRepresentation(vectors, column, null, metric);
    }

    /// <summary>A ready RDM.</summary>
    /// <param name="rdm">The RDM, over the stimulus ids.</param>
    public static TargetRepresentation FromRdm(Rdm rdm)
    {
        ArgumentNullException.ThrowIfNull(rdm);
        return new TargetRepresentation(null, null, rdm, default);
    }
}
