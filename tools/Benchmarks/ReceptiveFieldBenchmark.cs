using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Benchmarks;

/// <summary>
/// Back-projection of every unit of a VGG-19 pool5-sized layer (512 channels, 7 × 7, input 224 × 224; torchvision's
/// VGG-19 convolutional part with seeded random weights, exported by receptive_fields_reference.py) against one
/// forward pass of the same network through ONNX Runtime, and against PyTorch CPU eager doing the same
/// back-projection. Needs /usr/bin/python3 with torch and torchvision.
/// <code>
/// dotnet run -c Release --project tools/Benchmarks -- receptive-fields [--units 512] [--torch-units 64] [--repeats 5] [--work DIR]
/// </code>
/// </summary>
internal static class ReceptiveFieldBenchmark
{

    public static int Run(string[] args)
    {
        int units = Arg(args, "--units", 512), torchUnits = Arg(args, "--torch-units", 64), repeats = Arg(args, "--repeats", 5);
        var work = ArgText(args, "--work") ?? Path.Combine(Path.GetTempPath(), "replens-bench-rf");
        var modelPath = Path.Combine(work, "vgg19_features.onnx");
        if (!File.Exists(modelPath)) RunPython("setup", work);
        Console.WriteLine($"VGG-19 convolutional part (random weights), 224 × 224; {Machine.Describe()}; ONNX Runtime {OrtEnv.Instance().GetVersionString()}");

        using var model = OnnxLoadedModel.Open(modelPath, new OnnxModelSettings("resnet", Preprocessing.ImageNet));
        var layer = model.SelectLayers(new[] { "features.36" })[0];
        var clock = Stopwatch.StartNew();
        var plan = model.PlanBackProjection(layer);
        Console.WriteLine($"layer {layer.Name} [{string.Join("×", layer.Shape)}]: plan of {plan.Steps.Count} nodes in {clock.Elapsed.TotalSeconds:F2} s");

        // One forward pass through ONNX Runtime: the extraction model for the layer, default session options.
        var (bytes, inputName, outputs) = model.BuildExtractionModel(new[] { layer });
        using var session = new InferenceSession(bytes);
        var input = new float[plan.InputLength];
        var rng = new Random(0);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 255);
        var output = new float[layer.FeatureCount];
        void Forward()
        {
            using var x = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, 224, 224 });
            using var y = OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, 512, 7, 7 });
            using var options = new RunOptions();
            session.Run(options, new[] { inputName }, new[] { x }, outputs.ToArray(), new[] { y });
        }
        var forward = new Harness().Add("forward", Forward).Run(repeats);
        double forwardSeconds = forward.Median("forward"), forwardCpu = forward.CpuMedian("forward");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime forward pass: {forwardSeconds * 1000:F0} ms wall, {forwardCpu * 1000:F0} ms CPU (median of {repeats})"));

        // Batch sizes on a subset.
        using var projector = new BackProjector(plan);
        int chosen = projector.BatchSizeFor(512L << 20);
        var subset = Enumerable.Range(0, 32).Select(k => new UnitClamp(k, 3, 3, 1f)).ToList();
        var sizes = new[] { 1, 4, 8, chosen, 32 }.Distinct().Order().ToList();
        var harness = new Harness();
        foreach (var b in sizes) harness.Add($"32 units, batch {b}", () => projector.Project(subset, b, (_, _) => { }));
        harness.Run(Math.Max(1, repeats / 2));
        harness.Print($"32 units, batch {chosen}");

        // Every unit of the layer, with the batch the CLI and the analysis choose for 512 MB.
        var all = Enumerable.Range(0, units).Select(k => new UnitClamp(k % 512, 3, 3, 1f)).ToList();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        clock.Restart();
        projector.Project(all, chosen, (_, _) => { });
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{units} units back-projected (batch {chosen}): {seconds:F1} s wall, {cpu:F1} s CPU → {units / seconds:F2} units/s; " +
            $"one unit = {seconds / units / forwardSeconds:F2} forward passes (wall), {cpu / units / forwardCpu:F2} (CPU)"));

        // Forward validation of patterns through the ML.NET pipeline (what the analysis does for every pattern).
        int validated = Math.Min(16, units);
        var patterns = new float[validated * plan.InputLength];
        projector.Project(all.Take(validated).ToList(), patterns);
        var rows = Enumerable.Range(0, validated).Select(i => new Row { Input = patterns.AsSpan(i * plan.InputLength, plan.InputLength).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Input)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, plan.InputLength);
        var view = model.ExtractFromInputTensors(new MLContext().Data.LoadFromEnumerable(rows, schema), nameof(Row.Input), new[] { layer }, ExtractionOptions.Default);
        clock.Restart();
        int n = 0;
        using (var cursor = view.GetRowCursor(new[] { view.Schema[layer.SafeName] }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[layer.SafeName]);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext()) { getter(ref buffer); n++; }
        }
        double validation = clock.Elapsed.TotalSeconds / n;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward validation through ML.NET: {validation * 1000:F0} ms per pattern ({validation / forwardSeconds:F2} forward passes; the session is created beforehand)"));

        if (torchUnits > 0)
        {
            var lines = RunPython("torch", torchUnits.ToString(CultureInfo.InvariantCulture), chosen.ToString(CultureInfo.InvariantCulture));
            double torchSeconds = double.Parse(lines[^1], CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PyTorch eager, same rules, {torchUnits} units (batch {chosen}): {torchSeconds:F1} s → {torchUnits / torchSeconds:F2} units/s; RepLens speed-up {torchSeconds / torchUnits / (seconds / units):F2}×"));
        }
        return 0;
    }

    private sealed class Row
    {
        public float[] Input { get; set; } = Array.Empty<float>();
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var text = ArgText(args, name);
        return text is null ? fallback : int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string? ArgText(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static List<string> RunPython(params string[] arguments) =>
        Repository.RunPython([Repository.File("tools", "Benchmarks", "receptive_fields_reference.py"), .. arguments]);
}
