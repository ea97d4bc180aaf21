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

    /// <summary>
    /// Per-stimulus vectors held in memory: one vector per stimulus of <paramref name="stimuli"/>, in table
    /// order, all of the same length. The simplest way for a target to return its representation; no
    /// ML.NET package beyond the data-view types is needed. The vector column is named <see cref="DefaultVectorColumn"/>.
    /// </summary>
    /// <param name="stimuli">The stimuli the vectors describe (the table passed to <see cref="IConfiguredTarget.Compute"/>).</param>
    /// <param name="vectors">(N × P): vector <c>i</c> belongs to stimulus <c>i</c>; the arrays are not copied.</param>
    /// <param name="metric">The metric for the RDM.</param>
    /// <exception cref="ArgumentException">The counts differ, a vector is null or empty, or the lengths differ (the message names the stimulus).</exception>
    public static TargetRepresentation FromVectors(StimulusTable stimuli, IReadOnlyList<float[]> vectors, DistanceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count != stimuli.Count)
            throw new ArgumentException($"{vectors.Count} vectors were given for {stimuli.Count} stimuli; give one per stimulus, in table order.", nameof(vectors));
        if (stimuli.Count == 0) throw new ArgumentException("The stimulus table is empty.", nameof(stimuli));
        var rows = new float[stimuli.Count][];
        int length = -1;
        for (int i = 0; i < rows.Length; i++)
        {
            var v = vectors[i];
            if (v is null || v.Length == 0)
                throw new ArgumentException($"Stimulus '{stimuli[i].Id}' (row {i}) has {(v is null ? "no vector" : "an empty vector")}.", nameof(vectors));
            if (length < 0) length = v.Length;
            else if (v.Length != length)
                throw new ArgumentException($"Stimulus '{stimuli[i].Id}' (row {i}) has a vector of {v.Length} values; stimulus '{stimuli[0].Id}' has {length}. All vectors must have the same length.", nameof(vectors));
            rows[i] = v;
        }
        var view = new StimulusVectorsDataView(stimuli.Ids.ToArray(), rows, length, DefaultVectorColumn);
        return new TargetRepresentation(view, DefaultVectorColumn, null, metric);
    }

    /// <summary>The name of the vector column of <see cref="FromVectors(StimulusTable, IReadOnlyList{float[]}, DistanceMetric)"/>.</summary>
    public const string DefaultVectorColumn = "Vector";

    /// <summary>A ready RDM.</summary>
    /// <param name="rdm">The RDM, over the stimulus ids.</param>
    public static TargetRepresentation FromRdm(Rdm rdm)
    {
        ArgumentNullException.ThrowIfNull(rdm);
        return new TargetRepresentation(null, null, rdm, default);
    }
}
