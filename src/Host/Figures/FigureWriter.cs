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
            var color = Palette[(d.ColorIndex ?? s) % Palette.Length];
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

    /// <summary>
    /// Box plots: one group of boxes per x category (e.g. a layer), one box per series (e.g. a
    /// category) side by side within the group, coloured like the series.
    /// </summary>
    public static void SaveBoxes(string pathWithoutExtension, string title, string xLabel, string yLabel, IReadOnlyList<string> xCategories,
        IReadOnlyList<BoxSeriesData> series, string? subtitle = null, double? yMin = null, double? yMax = null)
    {
        var model = NewModel(title, subtitle);
        var x = new CategoryAxis { Position = AxisPosition.Bottom, Title = xLabel, Angle = xCategories.Count > 6 ? -35 : 0, GapWidth = 0.2 };
        x.Labels.AddRange(xCategories);
        model.Axes.Add(x);
        var y = new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot };
        if (yMin is { } lo) y.Minimum = lo;
        if (yMax is { } hi) y.Maximum = hi;
        model.Axes.Add(y);
        double slot = 0.8 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var d = series[s];
            var color = Palette[(d.ColorIndex ?? s) % Palette.Length];
            var boxes = new BoxPlotSeries
            {
                Title = d.Title, Fill = OxyColor.FromAColor(90, color), Stroke = color, StrokeThickness = 1.2,
                BoxWidth = slot * 0.85, WhiskerWidth = 0.6, MedianThickness = 2, OutlierSize = 0,
            };
            for (int i = 0; i < Math.Min(d.Boxes.Count, xCategories.Count); i++)
            {
                if (d.Boxes[i] is not { } b) continue;
                double at = i - 0.4 + slot * (s + 0.5);
                boxes.Items.Add(new BoxPlotItem(at, b.LowerWhisker, b.BoxBottom, b.Median, b.BoxTop, b.UpperWhisker));
            }
            model.Series.Add(boxes);
        }
        Save(model, pathWithoutExtension);
    }

    /// <summary>
    /// One bar per index (e.g. the summed response of every channel of a layer), grey, with the bars in
    /// <paramref name="highlighted"/> in the first palette colour and labelled in the legend.
    /// </summary>
    public static void SaveBars(string pathWithoutExtension, string title, string xLabel, string yLabel, IReadOnlyList<double> values,
        IReadOnlyCollection<int> highlighted, string highlightLabel, string? subtitle = null)
    {
        var model = NewModel(title, subtitle);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, Minimum = -0.5, Maximum = values.Count - 0.5, MajorGridlineStyle = LineStyle.None });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot });
        var rest = new RectangleBarSeries { Title = "other channels", FillColor = OxyColor.FromRgb(150, 150, 150), StrokeThickness = 0 };
        var marked = new RectangleBarSeries { Title = highlightLabel, FillColor = Palette[1], StrokeColor = Palette[1], StrokeThickness = 1 };
        double half = values.Count > 200 ? 0.5 : 0.4;
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) continue;
            var bar = new RectangleBarItem(i - half, Math.Min(0, values[i]), i + half, Math.Max(0, values[i]));
            (highlighted.Contains(i) ? marked : rest).Items.Add(bar);
        }
        model.Series.Add(rest);
        model.Series.Add(marked);
        model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Horizontal, Y = 0, Color = OxyColors.Black, StrokeThickness = 0.8 });
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

    /// <summary>
    /// Points per category (e.g. per ROI) for several series, with optional error bars, and an optional
    /// grey band per category (e.g. a noise ceiling, lower to upper).
    /// </summary>
    public static void SaveCategoryPoints(string pathWithoutExtension, string title, string xLabel, string yLabel,
        IReadOnlyList<string> categories, IReadOnlyList<(string Title, IReadOnlyList<(double Y, double Low, double High)> Points)> series,
        IReadOnlyList<(double Lower, double Upper)>? bands = null, string? subtitle = null)
    {
        var model = NewModel(title, subtitle);
        var x = new CategoryAxis { Position = AxisPosition.Bottom, Title = xLabel, Angle = categories.Count > 8 ? -45 : 0, GapWidth = 0.2 };
        x.Labels.AddRange(categories);
        model.Axes.Add(x);
        // Axis range from everything drawn, bands (annotations) included: OxyPlot sizes axes by series only.
        var ys = series.SelectMany(s => s.Points).SelectMany(p => new[] { p.Y, p.Low, p.High })
            .Concat((bands ?? Array.Empty<(double, double)>()).SelectMany(b => new[] { b.Lower, b.Upper })).Where(double.IsFinite).ToList();
        var yAxis = new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot };
        if (ys.Count > 0)
        {
            double lo = ys.Min(), hi = ys.Max(), pad = Math.Max(0.02, (hi - lo) * 0.06);
            yAxis.Minimum = lo - pad;
            yAxis.Maximum = hi + pad;
        }
        model.Axes.Add(yAxis);
        if (bands is not null)
        {
            for (int i = 0; i < bands.Count; i++)
            {
                if (!double.IsFinite(bands[i].Lower) || !double.IsFinite(bands[i].Upper)) continue;
                model.Annotations.Add(new RectangleAnnotation
                {
                    MinimumX = i - 0.45, MaximumX = i + 0.45, MinimumY = bands[i].Lower, MaximumY = bands[i].Upper,
                    Fill = OxyColor.FromAColor(70, OxyColors.Gray), Layer = AnnotationLayer.BelowSeries,
                });
            }
        }
        double width = 0.6 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Length];
            double offset = (s - (series.Count - 1) / 2.0) * width;
            var points = new ScatterErrorSeries { Title = series[s].Title, MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = color, ErrorBarColor = color };
            for (int i = 0; i < series[s].Points.Count; i++)
            {
                var (yv, lo, hi) = series[s].Points[i];
                if (!double.IsFinite(yv)) continue;
                // Percentile intervals need not be symmetric: the bar spans the larger side.
                double err = double.IsFinite(lo) && double.IsFinite(hi) ? Math.Max(hi - yv, yv - lo) : 0;
                points.Points.Add(new ScatterErrorPoint(i + offset, yv, 0, err));
            }
            model.Series.Add(points);
        }
        Save(model, pathWithoutExtension, Height, Math.Max(Width, 120 + 40 * categories.Count));
    }

    /// <summary>A labelled matrix (rows × columns) as a heat map, e.g. layers × ROIs.</summary>
    public static void SaveMatrix(string pathWithoutExtension, string title, double[,] values, IReadOnlyList<string> rowLabels,
        IReadOnlyList<string> columnLabels, string colorLabel, string? subtitle = null)
    {
        var model = NewModel(title, subtitle);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Title = colorLabel, InvalidNumberColor = OxyColors.LightGray });
        var x = new CategoryAxis { Position = AxisPosition.Bottom, Key = "x", Angle = cols > 8 ? -45 : 0 };
        x.Labels.AddRange(columnLabels);
        var y = new CategoryAxis { Position = AxisPosition.Left, Key = "y", StartPosition = 1, EndPosition = 0 };
        y.Labels.AddRange(rowLabels);
        model.Axes.Add(x);
        model.Axes.Add(y);
        var data = new double[cols, rows];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) data[j, i] = values[i, j];
        model.Series.Add(new HeatMapSeries
        {
            X0 = 0, X1 = cols - 1, Y0 = 0, Y1 = rows - 1, Data = data, Interpolate = false,
            RenderMethod = HeatMapRenderMethod.Rectangles, XAxisKey = "x", YAxisKey = "y",
        });
        Save(model, pathWithoutExtension, Math.Max(Height, 140 + 18 * rows), Math.Max(Width, 260 + 40 * cols));
    }

    /// <summary>Scatter plots of several groups with a least-squares line per group.</summary>
    public static void SaveScatterWithFits(string pathWithoutExtension, string title, string xLabel, string yLabel,
        IReadOnlyList<(string Title, double[] X, double[] Y)> groups, string? subtitle = null)
    {
        var model = NewModel(title, subtitle);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot });
        for (int g = 0; g < groups.Count; g++)
        {
            var color = Palette[g % Palette.Length];
            var (name, xs, ys) = groups[g];
            var scatter = new ScatterSeries { Title = name, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            var keep = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])).ToArray();
            foreach (var i in keep) scatter.Points.Add(new ScatterPoint(xs[i], ys[i]));
            model.Series.Add(scatter);
            if (keep.Length >= 2)
            {
                double mx = keep.Average(i => xs[i]), my = keep.Average(i => ys[i]);
                double sxx = keep.Sum(i => (xs[i] - mx) * (xs[i] - mx));
                if (sxx > 0)
                {
                    double b = keep.Sum(i => (xs[i] - mx) * (ys[i] - my)) / sxx, a = my - b * mx;
                    double lo = keep.Min(i => xs[i]), hi = keep.Max(i => xs[i]);
                    var line = new LineSeries { Color = color, StrokeThickness = 1.5, RenderInLegend = false };
                    line.Points.Add(new DataPoint(lo, a + b * lo));
                    line.Points.Add(new DataPoint(hi, a + b * hi));
                    model.Series.Add(line);
                }
            }
        }
        Save(model, pathWithoutExtension);
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
