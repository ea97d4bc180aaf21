namespace RepLens.Host.Figures;

/// <summary>One line of a line figure: points, and optionally a confidence band (low/high per point).</summary>
internal sealed record LineSeriesData(
    string Title,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<double>? Low = null,
    IReadOnlyList<double>? High = null,
    bool Dashed = false,
    IReadOnlyList<bool>? Marked = null);
