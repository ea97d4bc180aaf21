using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Figures;

/// <summary>
/// Writes figures as PNG and SVG (OxyPlot on SkiaSharp), each atomically. One place for the house
/// look: white background, a colour-blind-safe palette (Okabe–Ito), titles and axis labels always set.
/// </summary>
internal static class FigureWriter
{
    public const int Width = 900;
    public const int Height = 560;

    /// <summary>Okabe &amp; Ito (2008) colour-blind-safe palette.</summary>
    public static readonly OxyColor[] Palette =
    {
        OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(213, 94, 0), OxyColor.FromRgb(0, 158, 115),
        OxyColor.FromRgb(204, 121, 167), OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(86, 180, 233),
        OxyColor.FromRgb(240, 228, 66), OxyColor.FromRgb(0, 0, 0),
    };

    /// <summary>A line figure; points with <see cref="LineSeriesData.Marked"/> true get a filled marker (e.g. p_FDR &lt; .05).</summary>
    public static void SaveLines(string pathWithoutExtension, string title, string xLabel, string yLabel,
        IReadOnlyList<LineSeriesData> series, string? subtitle = null, double? yMin = null, double? yMax = null,
        IReadOnlyList<(double Y, string Label)>? horizontalLines = null)
    {
        var model = NewModel(title, subtitle);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, MajorGridlineStyle = LineStyle.Dot });
        var y = new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot };
        if (yMin is { } lo) y.Minimum = lo;
        if (yMax is { } hi) y.Maximum = hi;
        model.Axes.Add(y);
        for (int s = 0; s < series.Count; s++)
        {
            var d = series[s];
            var color = Palette[s % Palette.Length];
            if (d.Low is not null && d.High is not null)
            {
                var band = new AreaSeries { Color = OxyColor.FromAColor(50, color), Fill = OxyColor.FromAColor(50, color), StrokeThickness = 0, RenderInLegend = false };
                for (int i = 0; i < d.X.Count; i++)
                {
                    if (double.IsFinite(d.Low[i]) && double.IsFinite(d.High[i]))
                    {
                        band.Points.Add(new DataPoint(d.X[i], d.Low[i]));
                        band.Points2.Add(new DataPoint(d.X[i], d.High[i]));
                    }
                }
                model.Series.Add(band);
            }
            var line = new LineSeries
            {
                Title = d.Title, Color = color, StrokeThickness = 2,
                LineStyle = d.Dashed ? LineStyle.Dash : LineStyle.Solid,
                MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = OxyColors.White, MarkerStroke = color,
            };
            for (int i = 0; i < d.X.Count; i++) line.Points.Add(new DataPoint(d.X[i], double.IsFinite(d.Y[i]) ? d.Y[i] : double.NaN));
            model.Series.Add(line);
            if (d.Marked is not null)
            {
                var marked = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = color, RenderInLegend = false };
                for (int i = 0; i < d.X.Count; i++)
                    if (d.Marked[i] && double.IsFinite(d.Y[i])) marked.Points.Add(new ScatterPoint(d.X[i], d.Y[i]));
                model.Series.Add(marked);
            }
        }
        foreach (var (value, label) in horizontalLines ?? Array.Empty<(double, string)>())
            model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Horizontal, Y = value, Text = label, Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
        Save(model, pathWithoutExtension);
    }

    /// <summary>A square matrix as a heat map (e.g. an RDM), rows top to bottom.</summary>
    public static void SaveHeatmap(string pathWithoutExtension, string title, double[,] values, string colorLabel, string? subtitle = null)
    {
        var model = NewModel(title, subtitle);
        int n = values.GetLength(0), m = values.GetLength(1);
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Title = colorLabel, HighColor = OxyColors.Gray, LowColor = OxyColors.Black, InvalidNumberColor = OxyColors.LightGray });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "stimulus", Minimum = -0.5, Maximum = m - 0.5 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "stimulus", StartPosition = 1, EndPosition = 0, Minimum = -0.5, Maximum = n - 0.5 });
        // HeatMapSeries indexes data as [x, y].
        var data = new double[m, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) data[j, i] = values[i, j];
        model.Series.Add(new HeatMapSeries { X0 = 0, X1 = m - 1, Y0 = 0, Y1 = n - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles });
        Save(model, pathWithoutExtension, Height, Height + 80);
    }

    private static PlotModel NewModel(string title, string? subtitle)
    {
        var model = new PlotModel
        {
            Title = title,
            Subtitle = subtitle,
            Background = OxyColors.White,
            TitleFontSize = 16,
            SubtitleFontSize = 11,
            DefaultFont = "DejaVu Sans",
        };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside, LegendFontSize = 11 });
        return model;
    }

    private static void Save(PlotModel model, string pathWithoutExtension, int height = Height, int width = Width)
    {
        AtomicFile.Write(pathWithoutExtension + ".png", s => new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, s));
        AtomicFile.Write(pathWithoutExtension + ".svg", s => new OxyPlot.SkiaSharp.SvgExporter { Width = width, Height = height }.Export(model, s));
    }
}
