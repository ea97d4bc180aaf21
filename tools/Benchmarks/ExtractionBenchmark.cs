using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Image;
using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Onnx.Images;
using RepLens.Imaging;

namespace RepLens.Benchmarks;

/// <summary>
/// Layer extraction through RepLens's ML.NET pipeline against the same work done by hand with an ONNX
/// Runtime <see cref="InferenceSession"/> (same rewritten model, same decoding and torchvision-exact
/// resizing, same outputs copied out) and against PyTorch CPU eager (Debian's torch, forward hooks),
/// all in one run on the same images. Needs /usr/bin/python3 with torch and torchvision (it exports a
/// torchvision network with seeded random weights and draws the images).
/// <code>
/// dotnet run -c Release --project tools/Benchmarks -- extraction [--arch resnet18] [--images 40] [--repeats 5] [--layers op:Relu] [--work DIR] [--no-torch]
/// dotnet run -c Release --project tools/Benchmarks -- extraction --model resnet18-imagenet [...]   (see BuiltInModelBenchmark)
/// dotnet run -c Release --project tools/Benchmarks -- resize [--arch resnet18] [--work DIR]
/// dotnet run -c Release --project tools/Benchmarks -- extraction-memory [--arch resnet50] [--images 100] [--mlnet-onnx]
/// </code>
/// </summary>
internal static class ExtractionBenchmark
{

    public static int Run(string[] args)
    {
        if (args.Contains("--model")) return BuiltInModelBenchmark.Run(args);
        var o = Options.Parse(args);
        var (modelPath, images) = Setup(o);
        using var model = OnnxLoadedModel.Open(modelPath, new OnnxModelSettings("resnet", Preprocessing.ImageNet));
        var layers = model.SelectLayers(o.Layers);
        long floats = layers.Sum(l => l.FeatureCount);
        Console.WriteLine($"{o.Arch}: {layers.Count} layers ({string.Join(" ", o.Layers)}), {floats:N0} floats per image; {images.Count} images 500×375; " +
                          $"{Environment.ProcessorCount} cores; ONNX Runtime {OrtEnv.Instance().GetVersionString()}");

        // ML.NET: the view is built once; every repetition runs a fresh cursor over all images.
        var stimuli = Stimuli(images);
        var view = model.Extract(stimuli, layers, ExtractionOptions.Default);

        // ONNX Runtime by hand: the same rewritten model, decode + resize with the same code, outputs copied out.
        var (bytes, inputName, outputNames) = model.BuildExtractionModel(layers);
        using var options = new SessionOptions { GraphOptimizationLevel = RepLens.Onnx.Extraction.OnnxLayerScoringTransformer.ExtractionOptimizationLevel };
        using var session = new InferenceSession(bytes, options);
        // ONNX Runtime's default (every graph optimisation): faster, but a layer's values then depend on
        // which other layers are extracted with it, which RepLens does not accept (see OnnxLayerScoringTransformer).
        using var optimised = new InferenceSession(bytes);
        var pre = model.Preprocessing;
        var tensors = images.Select(p => Pixels(p, pre)).ToList();
        var sinks = layers.Select(l => new float[l.FeatureCount]).ToArray();

        // The variants run in turn within each repetition, so that a busy machine slows them alike; PyTorch
        // runs in a helper process that does one pass per request.
        using var torch = o.NoTorch ? null : new TorchHelper(o, images.Count);
        var mlnetView = MlNetApplyOnnxModel(model, layers, stimuli);
        var variants = new List<(string Name, Action Run)>
        {
            ("RepLens Extract (ML.NET pipeline)", () => ConsumeView(view, layers)),
            ("InferenceSession + same preprocessing", () => { foreach (var path in images) RunSession(session, inputName, outputNames, Pixels(path, pre), pre, sinks); }),
            ("InferenceSession, inference only", () => { foreach (var t in tensors) RunSession(session, inputName, outputNames, t, pre, sinks); }),
            ("decode + torchvision-exact resize only", () => { foreach (var path in images) Pixels(path, pre); }),
            ("same pipeline with ML.NET's ApplyOnnxModel", () => ConsumeView(mlnetView, layers)),
        };
        variants.Add(("InferenceSession, inference only, ORT graph optimisations on", () => { foreach (var t in tensors) RunSession(optimised, inputName, outputNames, t, pre, sinks); }));
        if (torch is not null) variants.Add(("PyTorch CPU eager (forward hooks)", torch.Pass));
        var seconds = Interleaved(o.Repeats, variants.Select(v => v.Run).ToArray());
        double Ips(int k) => images.Count / Median(seconds[k]);
        double RatioMedian(int a, int b) => Median(seconds[a].Zip(seconds[b], (x, y) => x / y).ToList());
        for (int k = 0; k < variants.Count; k++) Console.WriteLine($"{variants[k].Name,-40} {Ips(k),8:F2} images/s");
        Console.WriteLine($"time ratios, medians over repetitions (spread min–max):");
        Console.WriteLine($"  RepLens / InferenceSession with the same preprocessing: {RatioMedian(0, 1):F3} ({Spread(seconds[0], seconds[1])})");
        Console.WriteLine($"  RepLens / InferenceSession inference only:              {RatioMedian(0, 2):F3} ({Spread(seconds[0], seconds[2])})");
        Console.WriteLine($"  ApplyOnnxModel pipeline / RepLens:                      {RatioMedian(4, 0):F3} ({Spread(seconds[4], seconds[0])})");
        Console.WriteLine($"  inference without / with ORT graph optimisations:      {RatioMedian(2, 5):F3} ({Spread(seconds[2], seconds[5])})");
        if (torch is not null)
            Console.WriteLine($"  PyTorch eager / RepLens (RepLens speed-up):             {RatioMedian(6, 0):F3} ({Spread(seconds[6], seconds[0])})");
        Console.WriteLine($"(medians of {o.Repeats} repetitions after one warm-up; every repetition runs each variant once, in rotating order)");
        return 0;
    }

    /// <summary>
    /// How far ML.NET's own resize (LoadImages + ResizeImages IsoCrop to the resize size, then the centre
    /// crop) is from torchvision's (which RepLens reproduces exactly): pixels after normalisation, and the
    /// effect on every selected layer's activations.
    /// </summary>
    public static int RunResizeComparison(string[] args)
    {
        var o = Options.Parse(args);
        var (modelPath, images) = Setup(o);
        using var model = OnnxLoadedModel.Open(modelPath, new OnnxModelSettings("resnet", Preprocessing.ImageNet));
        var pre = model.Preprocessing;
        var layers = model.SelectLayers(o.Layers);
        var (bytes, inputName, outputNames) = model.BuildExtractionModel(layers);
        using var session = new InferenceSession(bytes);

        var context = new MLContext(seed: 0);
        var pipeline = context.Transforms.LoadImages("image", imageFolder: null, StimulusColumns.ImagePath)
            .Append(context.Transforms.ResizeImages("image", pre.ResizeShorterSide, pre.ResizeShorterSide, "image",
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
            .Append(context.Transforms.ExtractPixels("pixels", "image", interleavePixelColors: false, outputAsFloatArray: true));
        var view = pipeline.Fit(Stimuli(images)).Transform(Stimuli(images));
        var mlnetPixels = new List<float[]>();
        var sinks = layers.Select(l => new float[l.FeatureCount]).ToArray();
        using (var cursor = view.GetRowCursor(new[] { view.Schema["pixels"] }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["pixels"]);
            var buffer = default(VBuffer<float>);
            int s = pre.ResizeShorterSide, off = (s - pre.CropHeight) / 2;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                var full = buffer.DenseValues().ToArray();
                var crop = new float[3 * pre.CropHeight * pre.CropWidth];
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < pre.CropHeight; y++)
                        Array.Copy(full, (c * s + y + off) * s + off, crop, (c * pre.CropHeight + y) * pre.CropWidth, pre.CropWidth);
                mlnetPixels.Add(crop);
            }
        }

        double maxPixel = 0, sumPixel = 0;
        long count = 0;
        var layerErrors = new double[layers.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var exact = Pixels(images[i], pre);
            for (int j = 0; j < exact.Length; j++)
            {
                double d = Math.Abs(exact[j] - mlnetPixels[i][j]) * pre.PixelScale / pre.Std[j / (pre.CropHeight * pre.CropWidth)];
                maxPixel = Math.Max(maxPixel, d);
                sumPixel += d;
                count++;
            }
            var a = RunSession(session, inputName, outputNames, exact, pre, layers.Select(l => new float[l.FeatureCount]).ToArray());
            var b = RunSession(session, inputName, outputNames, mlnetPixels[i], pre, sinks);
            for (int l = 0; l < layers.Count; l++)
            {
                double diff = 0, max = 0;
                for (int k = 0; k < a[l].Length; k++)
                {
                    diff = Math.Max(diff, Math.Abs(a[l][k] - b[l][k]));
                    max = Math.Max(max, Math.Abs(a[l][k]));
                }
                layerErrors[l] = Math.Max(layerErrors[l], diff / max);
            }
        }
        Console.WriteLine($"{images.Count} images 500×375, resize {pre.ResizeShorterSide} + crop {pre.CropHeight} ({EnumNames.Name(pre.Interpolation)}): ML.NET ResizeImages vs torchvision");
        Console.WriteLine($"  normalised pixels: max |Δ| {maxPixel:F3}, mean |Δ| {sumPixel / count:F4} (units of the channel std; one 8-bit level = {pre.PixelScale / pre.Std.Max():F4})");
        var sorted = layerErrors.Order().ToArray();
        Console.WriteLine($"  activations of {layers.Count} layers ({string.Join(" ", o.Layers)}), max|a−b|/max|a| per layer: median {sorted[sorted.Length / 2]:E2}, max {sorted[^1]:E2} ({layers[Array.IndexOf(layerErrors, sorted[^1])].Name})");
        return 0;
    }

    /// <summary>Peak memory while streaming all selected layers of many images through the pipeline (rows consumed and dropped).</summary>
    public static int RunMemory(string[] args)
    {
        bool mlnet = args.Contains("--mlnet-onnx");
        args = args.Where(a => a != "--mlnet-onnx").ToArray();
        var o = Options.Parse(args, defaultArch: "resnet50", defaultImages: 100);
        var (modelPath, images) = Setup(o);
        using var model = OnnxLoadedModel.Open(modelPath, new OnnxModelSettings("resnet", Preprocessing.ImageNet));
        var layers = model.SelectLayers(o.Layers);
        long floats = layers.Sum(l => l.FeatureCount);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        var watch = Stopwatch.StartNew();
        ConsumeView(mlnet ? MlNetApplyOnnxModel(model, layers, Stimuli(images)) : model.Extract(Stimuli(images), layers, ExtractionOptions.Default), layers);
        process.Refresh();
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine((mlnet ? "ML.NET ApplyOnnxModel pipeline, " : "RepLens Extract, ") + $"{o.Arch}: {layers.Count} layers, {floats * 4 / 1e6:F1} MB of activations per image, {images.Count} images " +
                          $"({floats * 4.0 * images.Count / 1e9:F2} GB in all) streamed in {watch.Elapsed.TotalSeconds:F0} s: " +
                          $"working set {before / 1e6:F0} MB before, peak {process.PeakWorkingSet64 / 1e6:F0} MB; " +
                          $"managed heap peak {gc.HeapSizeBytes / 1e6:F0} MB now, {GC.GetTotalAllocatedBytes() / 1e9:F1} GB allocated in all, {GC.CollectionCount(2)} gen-2 collections");
        return 0;
    }

    private static (string Model, List<string> Images) Setup(Options o)
    {
        Directory.CreateDirectory(o.Work);
        var modelPath = Path.Combine(o.Work, o.Arch + ".onnx");
        var folder = Path.Combine(o.Work, "images");
        if (!File.Exists(modelPath) || !Directory.Exists(folder) || Directory.GetFiles(folder, "*.png").Length < o.Images)
            Repository.RunPython(new[] { Script, "setup", o.Work, o.Arch, o.Images.ToString(CultureInfo.InvariantCulture) });
        var images = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).Take(o.Images).ToList();
        return (modelPath, images);
    }

    /// <summary>The helper script in the source tree (it imports tools/export_onnx.py).</summary>
    internal static string Script => Repository.File("tools", "Benchmarks", "extraction_reference.py");

    /// <summary>RepLens's pipeline with ML.NET's own ApplyOnnxModel in place of its ONNX transform, for comparison.</summary>
    private static IDataView MlNetApplyOnnxModel(OnnxLoadedModel model, IReadOnlyList<LayerDescription> layers, IDataView stimuli)
    {
        var (bytes, inputName, outputNames) = model.BuildExtractionModel(layers);
        var pre = model.Preprocessing;
        var context = new MLContext(seed: 0);
        return context.Transforms.LoadStimulusImages("image", StimulusColumns.ImagePath, pre)
            .Append(context.Transforms.ExtractPixels(inputName, "image", interleavePixelColors: false, outputAsFloatArray: true))
            .Append(context.Transforms.ApplyOnnxModel(outputNames.ToArray(), new[] { inputName }, new MemoryStream(bytes), null, null, false, 100))
            .Fit(stimuli).Transform(stimuli);
    }

    internal static string Spread(List<double> a, List<double> b)
    {
        var ratios = a.Zip(b, (x, y) => x / y).ToList();
        return $"{ratios.Min():F3}–{ratios.Max():F3}";
    }

    /// <summary>The PyTorch side: a python process that runs one pass over the images per request.</summary>
    private sealed class TorchHelper : IDisposable
    {
        private readonly Process _process;

        public TorchHelper(Options o, int images)
        {
            var start = new ProcessStartInfo(Repository.Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false };
            foreach (var a in new[] { Script, "torch", o.Work, o.Arch, images.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
            start.Environment["PYTHONWARNINGS"] = "ignore";
            _process = Process.Start(start)!;
            if (_process.StandardOutput.ReadLine() != "ready") throw new InvalidOperationException("the PyTorch helper did not start");
        }

        /// <summary>One pass, timed by the caller (the helper's own seconds are close to it: no process start).</summary>
        public void Pass()
        {
            _process.StandardInput.WriteLine("go");
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch helper stopped");
            double.Parse(line, CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            _process.StandardInput.Close();
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }


    internal static IDataView Stimuli(IEnumerable<string> images) =>
        new MLContext().Data.LoadFromEnumerable(images.Select((p, i) => new StimulusRow { Id = $"s{i}", ImagePath = p, Category = "" }).ToList());

    /// <summary>Reads every layer of every row, copying the values out as a consumer (an RDM builder, a file writer) would.</summary>
    internal static void ConsumeView(IDataView view, IReadOnlyList<LayerDescription> layers)
    {
        var columns = layers.Select(l => view.Schema[l.SafeName]).ToList();
        var sinks = layers.Select(l => new float[l.FeatureCount]).ToList();
        using var cursor = view.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToList();
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            for (int i = 0; i < getters.Count; i++)
            {
                getters[i](ref buffer);
                buffer.GetValues().CopyTo(sinks[i]);
            }
        }
    }

    /// <summary>Decode + torchvision-exact resize and crop, as planar 0–255 floats in the model's channel order.</summary>
    internal static float[] Pixels(string path, Preprocessing pre)
    {
        var image = TorchvisionResize.ResizeAndCenterCrop(ImageDecoder.Decode(path), pre.ResizeShorterSide, pre.CropHeight, pre.CropWidth, pre.Interpolation);
        int n = image.Width * image.Height;
        var result = new float[3 * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                result[c * n + i] = image.Pixels[i * 3 + (pre.ChannelOrder == ChannelOrder.Bgr ? 2 - c : c)];
        return result;
    }

    /// <summary>Runs the model and copies each output into <paramref name="sinks"/> (as a consumer of the values would).</summary>
    internal static float[][] RunSession(InferenceSession session, string input, IReadOnlyList<string> outputs, float[] pixels, Preprocessing pre, float[][] sinks)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(pixels, new long[] { 1, 3, pre.CropHeight, pre.CropWidth });
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { input }, new[] { value }, outputs);
        for (int i = 0; i < results.Count; i++) results[i].GetTensorDataAsSpan<float>().CopyTo(sinks[i]);
        return sinks;
    }

    /// <summary>
    /// One warm-up round, then <paramref name="repeats"/> rounds of every action, the order rotated from
    /// round to round (so that none always runs first); seconds per action and round.
    /// </summary>
    internal static List<double>[] Interleaved(int repeats, Action[] actions)
    {
        foreach (var a in actions) a();
        var seconds = actions.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repeats; r++)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                int k = (i + r) % actions.Length;
                var watch = Stopwatch.StartNew();
                actions[k]();
                seconds[k].Add(watch.Elapsed.TotalSeconds);
            }
        }
        return seconds;
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private sealed class StimulusRow
    {
        public string Id { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public string Category { get; set; } = "";
    }

    private sealed record Options(string Arch, int Images, int Repeats, string[] Layers, string Work, bool NoTorch)
    {
        public static Options Parse(string[] args, string defaultArch = "resnet18", int defaultImages = 40)
        {
            string arch = defaultArch, work = "";
            int images = defaultImages, repeats = 5;
            var layers = new List<string>();
            bool noTorch = false;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--arch": arch = args[++i]; break;
                    case "--images": images = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--layers": layers.AddRange(args[++i].Split(',')); break;
                    case "--work": work = args[++i]; break;
                    case "--no-torch": noTorch = true; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
            if (work.Length == 0) work = Path.Combine(Path.GetTempPath(), "replens-extraction-benchmark");
            return new Options(arch, images, repeats, layers.Count > 0 ? layers.ToArray() : new[] { "op:Relu" }, work, noTorch);
        }
    }
}
