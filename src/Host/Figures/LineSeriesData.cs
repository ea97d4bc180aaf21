namespace RepLens.Host.Figures;

/// <summary>
/// One line of a line figure: points, and optionally a confidence band (low/high per point). By
/// default the n-th series takes the n-th palette colour; <see cref="ColorIndex"/> fixes it instead
/// (e.g. one colour per category across models).
/// </summary>
internal sealed record LineSeriesData(
    string Title,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<double>? Low = null,
    IReadOnlyList<double>? High = null,
    bool Dashed = false,
    IReadOnlyList<bool>? Marked = null,
    int? ColorIndex = null);
