namespace RepLens.Host.Figures;

/// <summary>One histogram panel: the values, and vertical lines marking thresholds.</summary>
internal sealed record HistogramPanel(string Title, string XLabel, IReadOnlyList<double> Values, IReadOnlyList<(double X, string Label)> Markers, int Bins = 60);
