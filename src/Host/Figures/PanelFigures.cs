using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using RepLens.Abstractions.IO;
using SkiaSharp;

namespace RepLens.Host.Figures;

/// <summary>
/// Figures of several panels side by side (PNG and SVG, each atomically), in <see cref="FigureWriter"/>'s house
/// look: each panel a full plot with its own title and axes, rendered onto one canvas.
/// </summary>
internal static class PanelFigures
{
    public const int PanelWidth = 720;
    public const int PanelHeight = 520;

    /// <summary>Histograms, one panel each, with the markers as labelled vertical lines.</summary>
    public static void SaveHistograms(string pathWithoutExtension, IReadOnlyList<HistogramPanel> panels, string? subtitle = null)
    {
        var models = new List<PlotModel>();
        for (int i = 0; i < panels.Count; i++)
        {
            var panel = panels[i];
            var model = FigureWriter.NewModel(panel.Title, subtitle);
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = panel.XLabel, MajorGridlineStyle = LineStyle.Dot });
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "count", MajorGridlineStyle = LineStyle.Dot, Minimum = 0, MaximumPadding = 0.08 });
            var values = panel.Values.Where(double.IsFinite).ToArray();
            var xs = values.Concat(panel.Markers.Select(m => m.X).Where(double.IsFinite)).ToArray();
            if (values.Length > 0)
            {
                double lo = xs.Min(), hi = xs.Max();
                if (hi <= lo) hi = lo + 1e-6;
                int bins = Math.Max(1, panel.Bins);
                double width = (hi - lo) / bins;
                var counts = new int[bins];
                foreach (var v in values) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
                var bars = new RectangleBarSeries { FillColor = OxyColor.FromAColor(160, FigureWriter.Palette[0]), StrokeColor = FigureWriter.Palette[0], StrokeThickness = 0.5 };
                for (int b = 0; b < bins; b++)
                    if (counts[b] > 0) bars.Items.Add(new RectangleBarItem(lo + b * width, 0, lo + (b + 1) * width, counts[b]));
                model.Series.Add(bars);
            }
            for (int m = 0; m < panel.Markers.Count; m++)
            {
                var (x, label) = panel.Markers[m];
                if (!double.IsFinite(x)) continue;
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Vertical, X = x, Text = label, Color = FigureWriter.Palette[1 + m % (FigureWriter.Palette.Length - 1)],
                    LineStyle = LineStyle.Dash, StrokeThickness = 2, TextOrientation = AnnotationTextOrientation.Vertical,
                });
            }
            models.Add(model);
        }
        Save(models, pathWithoutExtension);
    }

    /// <summary>Line plots (<see cref="FigureWriter.LinesModel"/>), one panel each, on a shared y range when <paramref name="shareY"/>.</summary>
    public static void SaveLines(string pathWithoutExtension, IReadOnlyList<(string Title, IReadOnlyList<LineSeriesData> Series)> panels,
        string xLabel, string yLabel, string? subtitle = null, bool shareY = true, IReadOnlyList<(double Y, string Label)>? horizontalLines = null)
    {
        double? lo = null, hi = null;
        if (shareY)
        {
            var ys = panels.SelectMany(p => p.Series).SelectMany(s => s.Y.Concat(s.Low ?? []).Concat(s.High ?? [])).Where(double.IsFinite)
                .Concat((horizontalLines ?? []).Select(h => h.Y)).ToList();
            if (ys.Count > 0)
            {
                double min = ys.Min(), max = ys.Max(), pad = Math.Max(1e-3, (max - min) * 0.06);
                (lo, hi) = (min - pad, max + pad);
            }
        }
        var models = panels.Select(p => FigureWriter.LinesModel(p.Title, xLabel, yLabel, p.Series, subtitle, lo, hi, horizontalLines)).ToList();
        Save(models, pathWithoutExtension);
    }

    /// <summary>Renders the panels left to right onto one canvas: a PNG bitmap and an SVG document.</summary>
    private static void Save(IReadOnlyList<PlotModel> panels, string pathWithoutExtension)
    {
        int width = PanelWidth * Math.Max(1, panels.Count), height = PanelHeight;
        AtomicFile.Write(pathWithoutExtension + ".png", stream =>
        {
            using var bitmap = new SKBitmap(width, height);
            using (var canvas = new SKCanvas(bitmap))
            using (var context = new SkiaRenderContext { RenderTarget = RenderTarget.PixelGraphic, SkCanvas = canvas, UseTextShaping = true })
            {
                canvas.Clear(SKColors.White);
                Render(panels, context);
            }
            using var sk = new SKManagedWStream(stream);
            bitmap.Encode(sk, SKEncodedImageFormat.Png, 100);
        });
        AtomicFile.Write(pathWithoutExtension + ".svg", stream =>
        {
            using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
            // As OxyPlot's SVG exporter: SVG viewers shape text themselves.
            using var context = new SkiaRenderContext { RenderTarget = RenderTarget.VectorGraphic, SkCanvas = canvas, UseTextShaping = false };
            Render(panels, context);
        });
    }

    private static void Render(IReadOnlyList<PlotModel> panels, SkiaRenderContext context)
    {
        for (int i = 0; i < panels.Count; i++)
        {
            IPlotModel model = panels[i];
            model.Update(true);
            model.Render(context, new OxyRect(i * PanelWidth, 0, PanelWidth, PanelHeight));
        }
    }
}
