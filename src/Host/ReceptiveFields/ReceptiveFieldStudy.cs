using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.Rsa;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// Receptive fields of deep units (He &amp; Pugeault 2018, arXiv:1801.04261) for one network, or two networks
/// of the same architecture side by side: back-projection of every chosen unit and constant
/// (<see cref="BackProjector"/>), the patterns and their tables, forward validation
/// (<see cref="ForwardValidation"/>), image grids and, for two networks, the per-unit similarity. Shared by
/// <c>"kind": "receptive-fields"</c> and <c>replens receptive-fields</c>, which write the same files.
/// </summary>
internal sealed class ReceptiveFieldStudy(ReceptiveFieldOptions options, RsaDevice device, long memoryBudgetBytes, ExtractionOptions extraction,
    ILogger log, CancellationToken cancellation)
{
    public static readonly string[] UnitColumns = { "row", "layer", "channel", "y", "x" };
    public static readonly string[] ConstantColumns = { "index", "constant" };
    public static readonly string[] SimilarityColumns = { "layer", "depth", "unit", "channel", "y", "x", "constant", "cosine" };

    /// <summary>A network of the study.</summary>
    public sealed record StudyModel(string Name, IBackProjectableModel Model);

    /// <summary>Where files go: a folder per model (patterns.npy, units.csv, constants.csv, validation.csv), figures, and the similarity table.</summary>
    public sealed record Layout(Func<string, string> ModelFolder, string Figures, string SimilarityTable);

    /// <summary>The config paths (or option names) that errors point at.</summary>
    public sealed record Where(string Models, string Layers, string Units, string Position);

    /// <summary>What the study wrote and found.</summary>
    public sealed class Result
    {
        public List<string> Files { get; } = new();
        public List<string> ReportFigures { get; } = new();
        public Dictionary<string, string> Statistics { get; } = new(StringComparer.Ordinal);
        public List<string> Warnings { get; } = new();
    }

    /// <summary>One layer of one model: the plan, the units, and what the projection and validation found.</summary>
    internal sealed class LayerRun(LayerDescription layer, BackProjectionPlan plan, IReadOnlyList<(int Channel, int Y, int X)> units, int firstUnit, int constants, int shown)
    {
        public LayerDescription Layer { get; } = layer;
        public BackProjectionPlan Plan { get; } = plan;
        public IReadOnlyList<(int Channel, int Y, int X)> Units { get; } = units;
        public int FirstUnit { get; } = firstUnit;
        public PatternDisplay.DisplayTile?[,] Tiles { get; } = new PatternDisplay.DisplayTile?[Math.Min(shown, units.Count), constants];
        public float Min { get; set; } = float.PositiveInfinity;
        public float Max { get; set; } = float.NegativeInfinity;
        public long Clipped { get; set; }
        public float MaxDeviation { get; set; }
        public long Values { get; set; }
        public double Homogeneity { get; set; }
        public int ZeroPatterns { get; set; }
        public ForwardValidation.LayerSummary? Validation { get; set; }
    }

    public Result Run(IReadOnlyList<StudyModel> models, Layout layout, Where where)
    {
        if (models.Count is not (1 or 2))
            throw new ConfigurationErrorException(where.Models, $"receptive fields take one network, or two of the same architecture side by side; {models.Count} were given.");
        var result = new Result();
        var runs = models.Select(m => Plan(m, where)).ToList();
        if (models.Count == 2) CheckSameArchitecture(models, runs, where);

        var displays = models.Select((m, i) => new PatternDisplay(m.Model.Preprocessing, runs[i][0].Plan.InputShape)).ToList();
        for (int m = 0; m < models.Count; m++)
        {
            cancellation.ThrowIfCancellationRequested();
            var folder = layout.ModelFolder(models[m].Name);
            Directory.CreateDirectory(folder);
            Project(models[m], runs[m], displays[m], folder, result);
            if (options.Validate)
            {
                var validation = new ForwardValidation(options, extraction, log, cancellation);
                validation.Run(models[m].Name, models[m].Model, runs[m], Path.Combine(folder, "patterns.npy"), Path.Combine(folder, "validation.csv"));
                result.Files.Add(Path.Combine(folder, "validation.csv"));
            }
        }

        Directory.CreateDirectory(layout.Figures);
        var figures = new ReceptiveFieldFigures(options, layout.Figures);
        for (int li = 0; li < runs[0].Count; li++)
        {
            var layerRuns = runs.Select(r => r[li]).ToList();
            figures.Grids(models.Select(m => m.Name).ToList(), layerRuns, displays, HomogeneityNote(layerRuns), result);
            if (options.Validate)
                for (int m = 0; m < models.Count; m++) figures.ValidationBars(models[m].Name, runs[m][li], result);
        }
        if (models.Count == 2)
        {
            var cosines = Similarity(models, runs, layout);
            result.Files.Add(layout.SimilarityTable);
            figures.Similarity(models[0].Name, models[1].Name, runs[0], cosines, result);
        }
        Describe(models, runs, result);
        return result;
    }

    /// <summary>Plans every layer of a model and resolves its units; every problem is a configuration error.</summary>
    private List<LayerRun> Plan(StudyModel model, Where where)
    {
        IReadOnlyList<LayerDescription> layers;
        try
        {
            layers = model.Model.SelectLayers(options.Layers);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationErrorException(where.Layers, e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        var runs = new List<LayerRun>();
        int first = 0;
        foreach (var layer in layers)
        {
            BackProjectionPlan plan;
            try
            {
                plan = model.Model.PlanBackProjection(layer);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidDataException)
            {
                throw new ConfigurationErrorException(where.Layers, e.Message);
            }
            var units = Units(model.Name, layer, where);
            runs.Add(new LayerRun(layer, plan, units, first, options.Constants.Count, options.MaxTiles));
            first += units.Count;
            log.LogInformation("Receptive fields {Model} {Layer} [{Shape}]: {Units} units × {Constants} constants, {Steps} nodes back to the input",
                model.Name, layer.Name, string.Join("×", layer.Shape), units.Count, options.Constants.Count, plan.Steps.Count);
        }
        return runs;
    }

    private List<(int Channel, int Y, int X)> Units(string model, LayerDescription layer, Where where)
    {
        var shape = layer.Shape;
        if (shape.Count is not (1 or 3))
            throw new ConfigurationErrorException(where.Layers,
                $"model '{model}', layer '{layer.Name}' has shape [{string.Join(", ", shape)}]; receptive fields need [C, H, W] feature maps or [C] vectors.");
        var channels = options.Channels ?? Enumerable.Range(0, shape[0]).ToList();
        var bad = channels.Where(k => k >= shape[0]).ToList();
        if (bad.Count > 0)
            throw new ConfigurationErrorException(where.Units, $"model '{model}', layer '{layer.Name}' has {shape[0]} channels (0–{shape[0] - 1}); there is no channel {string.Join(", ", bad)}.");
        int y = 0, x = 0;
        if (shape.Count == 3)
        {
            (y, x) = options.Position is { } p ? (p[0], p[1]) : (shape[1] / 2, shape[2] / 2);
            if (y >= shape[1] || x >= shape[2])
                throw new ConfigurationErrorException(where.Position, $"model '{model}', layer '{layer.Name}' is {shape[1]}×{shape[2]}; position ({y}, {x}) is outside it.");
        }
        return channels.Select(k => (k, y, x)).ToList();
    }

    private static void CheckSameArchitecture(IReadOnlyList<StudyModel> models, List<List<LayerRun>> runs, Where where)
    {
        var a = runs[0].Select(r => r.Layer.Name).ToList();
        var b = runs[1].Select(r => r.Layer.Name).ToList();
        if (!a.SequenceEqual(b))
            throw new ConfigurationErrorException(where.Layers,
                $"the layers selected in '{models[0].Name}' ({string.Join(", ", a)}) and '{models[1].Name}' ({string.Join(", ", b)}) differ; side by side needs two networks of the same architecture.");
        for (int i = 0; i < a.Count; i++)
        {
            if (runs[0][i].Plan.ArchitectureSignature == runs[1][i].Plan.ArchitectureSignature) continue;
            var sa = runs[0][i].Plan.Steps;
            var sb = runs[1][i].Plan.Steps;
            int k = 0;
            while (k < Math.Min(sa.Count, sb.Count) && sa[k].ToString() == sb[k].ToString() && sa[k].Window == sb[k].Window) k++;
            string detail = k < Math.Min(sa.Count, sb.Count) ? $"'{models[0].Name}' has {sa[k]} where '{models[1].Name}' has {sb[k]}"
                : $"'{models[0].Name}' has {sa.Count} nodes on the path, '{models[1].Name}' {sb.Count}";
            throw new ConfigurationErrorException(where.Models,
                $"'{models[0].Name}' and '{models[1].Name}' differ in architecture at layer '{a[i]}': {detail}. Side by side needs two networks of the same architecture (e.g. before and after fine-tuning).");
        }
    }

    /// <summary>Back-projects every unit and constant of every layer into patterns.npy; writes units.csv and constants.csv.</summary>
    private void Project(StudyModel model, List<LayerRun> runs, PatternDisplay display, string folder, Result result)
    {
        var inv = CultureInfo.InvariantCulture;
        int k = options.Constants.Count;
        int totalUnits = runs.Sum(r => r.Units.Count);
        var inputShape = runs[0].Plan.InputShape;
        int length = runs[0].Plan.InputLength;
        var patternsPath = Path.Combine(folder, "patterns.npy");
        var shape = new long[] { totalUnits, k }.Concat(inputShape.Select(d => (long)d)).ToArray();
        using (var writer = new NpyRowWriter(patternsPath, checked(totalUnits * k), length, shape))
        {
            var first = new float[length];
            foreach (var run in runs)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                using var projector = new BackProjector(run.Plan, options.Bias, device);
                int batch = projector.BatchSizeFor(memoryBudgetBytes);
                var clamps = new List<UnitClamp>(run.Units.Count * k);
                foreach (var (channel, y, x) in run.Units)
                    foreach (var c in options.Constants) clamps.Add(new UnitClamp(channel, y, x, (float)c));
                projector.Project(clamps, batch, (start, patterns) =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    for (int i = 0; i * length < patterns.Length; i++)
                    {
                        int index = start + i, u = index / k, ki = index % k;
                        var row = patterns.Slice(i * length, length);
                        writer.AppendRow(row);
                        var (lo, hi, clipped, deviation) = display.Measure(row);
                        run.MaxDeviation = Math.Max(run.MaxDeviation, deviation);
                        run.Min = Math.Min(run.Min, lo);
                        run.Max = Math.Max(run.Max, hi);
                        run.Clipped += clipped;
                        run.Values += row.Length;
                        if (ki == 0) Homogeneity(row, (float)options.Constants[0], first, run, start: true);
                        else Homogeneity(row, (float)options.Constants[ki], first, run, start: false);
                        if (u < run.Tiles.GetLength(0)) run.Tiles[u, ki] = display.Make(row);
                    }
                });
                double seconds = clock.Elapsed.TotalSeconds;
                log.LogInformation("Receptive fields {Model} {Layer}: {Count} patterns in {Seconds:0.00} s ({Rate:0.0} patterns/s, batches of {Batch}, {Device})",
                    model.Name, run.Layer.Name, clamps.Count, seconds, clamps.Count / Math.Max(seconds, 1e-9), batch, projector.DeviceName);
                if (run.ZeroPatterns > 0)
                {
                    var warning = $"model '{model.Name}', layer '{run.Layer.Name}': {run.ZeroPatterns} of {clamps.Count} patterns are zero everywhere (the ReLUs on the way back cut the whole signal).";
                    log.LogWarning("{Warning}", warning);
                    result.Warnings.Add(warning);
                }
            }
            writer.Commit();
        }
        var unitsPath = Path.Combine(folder, "units.csv");
        CsvTable.Write(unitsPath, UnitColumns, runs.SelectMany(r => r.Units.Select((u, i) => (IReadOnlyList<string>)new[]
        {
            (r.FirstUnit + i).ToString(inv), r.Layer.Name, u.Channel.ToString(inv), u.Y.ToString(inv), u.X.ToString(inv),
        })));
        var constantsPath = Path.Combine(folder, "constants.csv");
        CsvTable.Write(constantsPath, ConstantColumns, options.Constants.Select((c, i) => (IReadOnlyList<string>)new[] { i.ToString(inv), ReceptiveFieldOptions.Format(c) }));
        result.Files.AddRange(new[] { patternsPath, unitsPath, constantsPath });
    }

    /// <summary>
    /// Tracks how far each pattern is from c times the first constant's pattern (divided by c):
    /// max |p_c / c − p_c0 / c0| / max |p_c0 / c0| over the layer; zero up to rounding without biases.
    /// </summary>
    private static void Homogeneity(ReadOnlySpan<float> row, float c, float[] first, LayerRun run, bool start)
    {
        if (start)
        {
            float peak = 0;
            for (int i = 0; i < row.Length; i++)
            {
                first[i] = row[i] / c;
                peak = Math.Max(peak, Math.Abs(first[i]));
            }
            if (peak == 0) run.ZeroPatterns++;
            return;
        }
        float scale = 0, diff = 0;
        bool zero = true;
        for (int i = 0; i < row.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(first[i]));
            diff = Math.Max(diff, Math.Abs(row[i] / c - first[i]));
            if (row[i] != 0) zero = false;
        }
        if (zero) run.ZeroPatterns++;
        double deviation = scale > 0 ? diff / scale : diff > 0 ? double.PositiveInfinity : 0;
        run.Homogeneity = Math.Max(run.Homogeneity, deviation);
    }

    /// <summary>Cosine between the two networks' patterns of every unit and constant; writes the similarity table.</summary>
    private List<double[,]> Similarity(IReadOnlyList<StudyModel> models, List<List<LayerRun>> runs, Layout layout)
    {
        var inv = CultureInfo.InvariantCulture;
        int k = options.Constants.Count;
        int length = runs[0][0].Plan.InputLength;
        var perLayer = new List<double[,]>();
        var rows = new List<IReadOnlyList<string>>();
        using var a = new PatternFile(Path.Combine(layout.ModelFolder(models[0].Name), "patterns.npy"), length);
        using var b = new PatternFile(Path.Combine(layout.ModelFolder(models[1].Name), "patterns.npy"), length);
        var x = new float[length];
        var y = new float[length];
        foreach (var run in runs[0])
        {
            var cosines = new double[run.Units.Count, k];
            for (int u = 0; u < run.Units.Count; u++)
                for (int ki = 0; ki < k; ki++)
                {
                    long row = (long)(run.FirstUnit + u) * k + ki;
                    a.Read(row, x);
                    b.Read(row, y);
                    double dot = 0, nx = 0, ny = 0;
                    for (int i = 0; i < length; i++)
                    {
                        dot += (double)x[i] * y[i];
                        nx += (double)x[i] * x[i];
                        ny += (double)y[i] * y[i];
                    }
                    double cos = nx > 0 && ny > 0 ? dot / Math.Sqrt(nx * ny) : double.NaN;
                    cosines[u, ki] = cos;
                    var (channel, uy, ux) = run.Units[u];
                    rows.Add(new[]
                    {
                        run.Layer.Name, run.Layer.Depth.ToString(inv), (run.FirstUnit + u).ToString(inv), channel.ToString(inv), uy.ToString(inv), ux.ToString(inv),
                        ReceptiveFieldOptions.Format(options.Constants[ki]), double.IsNaN(cos) ? "" : cos.ToString("R", inv),
                    });
                }
            perLayer.Add(cosines);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(layout.SimilarityTable)!);
        CsvTable.Write(layout.SimilarityTable, SimilarityColumns, rows);
        return perLayer;
    }

    /// <summary>What a reader of the sweep figure needs to know about homogeneity, with the deviation measured on these patterns.</summary>
    private string HomogeneityNote(IReadOnlyList<LayerRun> layerRuns)
    {
        double deviation = layerRuns.Max(r => r.Homogeneity);
        string measured = double.IsPositiveInfinity(deviation) ? "unbounded" : deviation.ToString("0.0e+0", CultureInfo.InvariantCulture);
        return options.Bias == BackProjectionBias.None
            ? $"Biases left out: every rule is positively homogeneous, so each pattern is exactly c × the c = 1 pattern (largest deviation here {measured}, rounding); " +
              "differences across c in the fixed-range figure come from the display range alone, and the per-tile figure is the same for every c."
            : $"Biases included: the pattern does not scale with c (largest deviation of p_c / c from p_c0 / c0 here {measured}), so the sweep shows how the pattern itself changes with c.";
    }

    private void Describe(IReadOnlyList<StudyModel> models, List<List<LayerRun>> runs, Result result)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = result.Statistics;
        s["networks"] = models.Count == 1 ? models[0].Name : $"{models[0].Name} and {models[1].Name}, side by side (same architecture)";
        s["back-projection"] = "a map of the layer's shape, zero except the unit (channel, y, x) = c, walked back to the network's input: Conv → conv_transpose2d with the same weights, stride, " +
            "padding, dilation and groups (cropped or zero-padded to the node's input); MaxPool → each value copied into its k×k window (overlapping windows add); AveragePool → the same ÷ k×k; " +
            "Relu → ReLU; BatchNormalization → its scale γ/√(σ²+ε); Add → the signal to both inputs; Concat → split by channel; Flatten/Reshape → reshape; Identity/Dropout → unchanged";
        s["bias"] = options.Bias == BackProjectionBias.None
            ? "none: convolution biases left out"
            : "include: each convolution's bias added per output channel to the signal before its transposed convolution, as the forward pass added it (batch-norm shifts stay out)";
        s["position"] = options.Position is { } p ? $"row {p[0]}, column {p[1]} of every feature map" : "the centre (⌊H/2⌋, ⌊W/2⌋) of every feature map";
        s["constants"] = string.Join(", ", options.Constants.Select(ReceptiveFieldOptions.Format));
        s["patterns"] = "patterns.npy: (units × constants × C × H × W) float32 in the network's input space (what the ONNX input receives, after normalisation); " +
            "its first axis is the row of units.csv, its second the index of constants.csv";
        s["homogeneity (beside the sweep figures)"] = HomogeneityNote(runs.SelectMany(r => r).ToList());
        s["figures: *_fixed.png"] = "one fixed display range for the whole sweep: each channel of the de-normalised pattern shown over the window mean ± M → black–white, " +
            "with one M for every tile of a layer (all units, all constants" + (models.Count == 2 ? ", both networks" : "") + "): the largest deviation from the mean colour among them; " +
            "mid-grey is the mean colour; magnitudes compare across tiles";
        s["figures: *_tile.png"] = "per-tile scaling: the same window with each tile's own largest deviation as M, so every tile reaches black or white; " +
            "shape only, magnitudes do not compare across tiles";
        s["de-normalisation"] = "with the model's preprocessing: pattern × std + mean per channel, ÷ pixel scale (0–255 pixel units), shown as RGB; tiles reduced by box averaging to at most " +
            $"{PatternDisplay.MaxTileSide} pixels a side; grids show the first {options.MaxTiles} units of each layer";
        for (int m = 0; m < models.Count; m++)
            foreach (var run in runs[m])
                s[$"pixel range {models[m].Name} {run.Layer.Name}"] = string.Create(inv,
                    $"[{run.Min:0.##}, {run.Max:0.##}] in 0–255 units as an input image, over {run.Units.Count} units × {options.Constants.Count} constants " +
                    $"({(double)run.Clipped / Math.Max(1, run.Values):P2} of values outside 0–255); largest deviation from the mean colour M = {run.MaxDeviation:G4}");
        if (options.Validate)
        {
            s["forward validation"] = "every pattern fed forward from the network's input through the extraction pipeline (ONNX Runtime); response = each channel's activation summed over " +
                "positions at the layer; validation.csv: unit (row of units.csv), constant, channel, response, clamped_rank (rank of the clamped channel, 1 = largest), rank, clamped";
            for (int m = 0; m < models.Count; m++)
                foreach (var run in runs[m])
                    if (run.Validation is { } v)
                        s[$"clamped channel first: {models[m].Name} {run.Layer.Name}"] =
                            string.Create(inv, $"{v.RankedFirst} of {v.Patterns} patterns ({(double)v.RankedFirst / Math.Max(1, v.Patterns):P1}); median rank {v.MedianRank:0.#}");
        }
        if (models.Count == 2)
            s["similarity"] = $"cosine between the two networks' patterns of the same unit and constant, per layer (similarity table and figure); empty where a pattern is zero";
    }
}
