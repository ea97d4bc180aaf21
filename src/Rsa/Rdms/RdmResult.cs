using RepLens.Abstractions;

namespace RepLens.Rsa.Rdms;

/// <summary>An RDM with what happened while computing it.</summary>
/// <param name="Rdm">The RDM (condensed, <c>pdist</c> order) over the stimulus ids.</param>
/// <param name="UndefinedRows">
/// Rows (stimulus indices) whose dissimilarities are undefined and set to NaN: zero norm (cosine),
/// zero variance (correlation), or NaN/infinite values (any metric).
/// </param>
/// <param name="Warnings">Human-readable warnings naming the stimulus ids concerned (also logged).</param>
/// <param name="Features">P, the number of features used.</param>
/// <param name="BlockColumns">Features per block (0 when the RDM was finished from a merged accumulator).</param>
/// <param name="Device">The TorchSharp device that did the work, e.g. <c>cpu</c>.</param>
public sealed record RdmResult(
    Rdm Rdm,
    IReadOnlyList<int> UndefinedRows,
    IReadOnlyList<string> Warnings,
    long Features,
    int BlockColumns,
    string Device);
