namespace RepLens.Host.Figures;

/// <summary>One coloured series of a box figure: a box (or null, nothing to show) per x category.</summary>
internal sealed record BoxSeriesData(string Title, IReadOnlyList<BoxData?> Boxes, int? ColorIndex = null);
