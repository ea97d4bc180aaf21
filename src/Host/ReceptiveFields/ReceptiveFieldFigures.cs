using System.Globalization;
using RepLens.Abstractions;
using RepLens.Host.Figures;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// The figures of a receptive-field study: per layer and constant a grid with one tile per unit, per layer
/// the sweep (one row per unit, one column per constant), each with one fixed display range for the whole
/// sweep (<c>_fixed</c>) and with per-tile scaling (<c>_tile</c>); two networks side by side in the same
/// grids; bar figures of the forward validation; the similarity of two networks across layers.
/// </summary>
internal sealed class ReceptiveFieldFigures(ReceptiveFieldOptions options, string folder)
{
    private const int MinCell = 64;

    private string Path(string name) => System.IO.Path.Combine(folder, "receptive_fields_" + name);

    public void Grids(IReadOnlyList<string> models, IReadOnlyList<ReceptiveFieldStudy.LayerRun> runs, IReadOnlyList<PatternDisplay> displays, string homogeneity,
        ReceptiveFieldStudy.Result result)
    {
        var layer = runs[0].Layer;
        int shown = runs[0].Tiles.GetLength(0), k = options.Constants.Count, n = models.Count;
        if (shown == 0) return;
        var display = displays[0];
        int cell = display.TileWidth >= MinCell ? display.TileWidth : display.TileWidth * (int)Math.Ceiling(MinCell / (double)display.TileWidth);
        string stem = (n == 1 ? LayerDescription.MakeSafe(models[0]) : $"{LayerDescription.MakeSafe(models[0])}_vs_{LayerDescription.MakeSafe(models[1])}") + "_" + layer.SafeName;
        string who = n == 1 ? models[0] : $"{models[0]} (left) vs {models[1]} (right)";
        string biasText = options.Bias == BackProjectionBias.None ? "biases left out" : "biases included";
        string more = runs[0].Units.Count > shown ? $"; first {shown} of {runs[0].Units.Count} units" : "";
        float halfWidth = runs.Max(r => r.MaxDeviation);
        string fixedNote = string.Create(CultureInfo.InvariantCulture,
            $"Fixed display range for the whole sweep: de-normalised (× std + mean), each channel shown over mean ± {halfWidth:G3} (pixel units) for every tile{(n == 2 ? " of both networks" : "")}; mid-grey = mean colour.");
        const string tileNote = "Per-tile scaling: de-normalised, each tile shown over mean ± its own largest deviation (shape only; magnitudes do not compare across tiles).";
        string Caption(int u) => runs[0].Plan.LayerShape.Count == 3 ? $"ch {runs[0].Units[u].Channel} ({runs[0].Units[u].Y},{runs[0].Units[u].X})" : $"unit {runs[0].Units[u].Channel}";

        foreach (var (mode, note) in new[] { ("fixed", fixedNote), ("tile", tileNote) })
        {
            ImageGrid.Tile Render(int m, int u, int ki, string? caption)
            {
                var tile = runs[m].Tiles[u, ki]!;
                return mode == "fixed" ? displays[m].RenderFixed(tile, halfWidth, caption) : displays[m].RenderStretched(tile, caption);
            }

            // One tile per unit for each constant.
            int cols = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(shown * (n == 1 ? 1.0 : 0.5))));
            int rows = (int)Math.Ceiling(shown / (double)cols);
            for (int ki = 0; ki < k; ki++)
            {
                var cells = new ImageGrid.Tile?[rows, cols * n];
                for (int u = 0; u < shown; u++)
                    for (int m = 0; m < n; m++)
                        cells[u / cols, (u % cols) * n + m] = Render(m, u, ki, n == 1 ? Caption(u) : $"{Caption(u)} {(m == 0 ? "L" : "R")}");
                var file = Path($"{stem}_c{ReceptiveFieldOptions.Format(options.Constants[ki])}_{mode}.png");
                ImageGrid.Save(file, $"Receptive fields · {who} · {layer.Name} · c = {ReceptiveFieldOptions.Format(options.Constants[ki])}",
                    new[] { $"One tile per unit, projected back to the input ({biasText}{more}).", note }, null, null, cells, cell);
                result.Files.Add(file);
                if (ki == options.ReferenceConstant) result.ReportFigures.Add(file);
            }

            // The sweep: one row per unit, one column per constant (per network).
            var sweep = new ImageGrid.Tile?[shown, k * n];
            for (int u = 0; u < shown; u++)
                for (int m = 0; m < n; m++)
                    for (int ki = 0; ki < k; ki++) sweep[u, m * k + ki] = Render(m, u, ki, null);
            var headers = Enumerable.Range(0, n).SelectMany(m => options.Constants.Select(c => (n == 1 ? "" : (m == 0 ? "L " : "R ")) + "c = " + ReceptiveFieldOptions.Format(c))).ToList();
            var sweepFile = Path($"{stem}_sweep_{mode}.png");
            ImageGrid.Save(sweepFile, $"Constant sweep · {who} · {layer.Name}",
                new[] { $"One row per unit, one column per constant c ({biasText}{more}).", note, homogeneity },
                headers, Enumerable.Range(0, shown).Select(Caption).ToList(), sweep, cell);
            result.Files.Add(sweepFile);
            result.ReportFigures.Add(sweepFile);
        }
    }

    public void ValidationBars(string model, ReceptiveFieldStudy.LayerRun run, ReceptiveFieldStudy.Result result)
    {
        if (run.Validation is not { } v) return;
        double c = options.Constants[options.ReferenceConstant];
        for (int u = 0; u < v.Bars.Count; u++)
        {
            var (channel, y, x) = run.Units[u];
            var unit = run.Plan.LayerShape.Count == 3 ? $"channel {channel} at ({y}, {x})" : $"unit {channel}";
            var file = Path($"validation_{LayerDescription.MakeSafe(model)}_{run.Layer.SafeName}_u{run.FirstUnit + u}");
            int rank = 1 + v.Bars[u].Count(r => r > v.Bars[u][channel]);
            FigureWriter.SaveBars(file, $"Forward validation · {model} · {run.Layer.Name} · {unit}", "channel", "response summed over positions", v.Bars[u],
                new[] { channel }, $"clamped channel {channel} (rank {rank})",
                subtitle: $"the pattern of {unit} at c = {ReceptiveFieldOptions.Format(c)} fed forward from the network's input");
            result.Files.Add(file + ".png");
            result.Files.Add(file + ".svg");
            if (u == 0) result.ReportFigures.Add(file + ".png");
        }
    }

    public void Similarity(string a, string b, IReadOnlyList<ReceptiveFieldStudy.LayerRun> runs, IReadOnlyList<double[,]> cosines, ReceptiveFieldStudy.Result result)
    {
        var layers = runs.Select(r => r.Layer.Name).ToList();
        var series = new List<BoxSeriesData>();
        // Without biases the cosine does not depend on c: one box per layer says it all.
        var constants = options.Bias == BackProjectionBias.None ? new[] { options.ReferenceConstant } : Enumerable.Range(0, options.Constants.Count).ToArray();
        foreach (var ki in constants)
            series.Add(new BoxSeriesData(constants.Length == 1 ? "units" : $"c = {ReceptiveFieldOptions.Format(options.Constants[ki])}",
                cosines.Select(cos => BoxData.Of(Enumerable.Range(0, cos.GetLength(0)).Select(u => cos[u, ki]))).ToList(), ki));
        var file = Path($"similarity_{LayerDescription.MakeSafe(a)}_vs_{LayerDescription.MakeSafe(b)}");
        FigureWriter.SaveBoxes(file, $"Receptive-field similarity · {a} vs {b}", "layer", "cosine between the two networks' patterns", layers, series,
            subtitle: "per unit; boxes: quartiles and median, whiskers: 5th–95th percentiles" + (constants.Length == 1 ? $"; biases left out, so the same for every c" : ""),
            yMin: -1.05, yMax: 1.05);
        result.Files.Add(file + ".png");
        result.Files.Add(file + ".svg");
        result.ReportFigures.Add(file + ".png");
    }
}
