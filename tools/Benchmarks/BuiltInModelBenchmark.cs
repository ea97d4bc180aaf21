using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Proto;
using RepLens.Plugins.ResNet;

namespace RepLens.Benchmarks;

/// <summary>
/// The built-in <c>resnet18-imagenet</c>: every ReLU layer (19 outputs, 2.36 M floats per image) through
/// <c>replens extract</c> (the built host, as a user runs it: process start, plugin loading, model opening,
/// extraction, .npy writing) and through RepLens's pipeline in process, against the same outputs from a plain
/// ONNX Runtime session on the package's own two models (ResNetPreprocess.onnx, then ResNet18.onnx with the
/// ReLU values added as graph outputs; also a copy of it as IR version 4, whose weights ONNX Runtime may fold),
/// with the same decoding and resizing — all in one run, interleaved.
/// Needs the host built in Release (<c>dotnet build Plugins.sln -c Release</c>) and /usr/bin/python3 with
/// numpy and PIL to draw the images (500 × 375, as the other extraction benchmarks).
/// <code>
/// dotnet run -c Release --project tools/Benchmarks -- extraction --model resnet18-imagenet [--images 40] [--repeats 5] [--layers op:Relu] [--work DIR] [--replens PATH]
/// </code>
/// </summary>
internal static class BuiltInModelBenchmark
{
    public static int Run(string[] args)
    {
        string work = Path.Combine(Path.GetTempPath(), "replens-builtin-benchmark"), replens = "", modelName = ImageNetResNet18.Name;
        int count = 40, repeats = 5;
        var selectors = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": modelName = args[++i]; break;
                case "--images": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--layers": selectors.AddRange(args[++i].Split(',')); break;
                case "--work": work = args[++i]; break;
                case "--replens": replens = args[++i]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (modelName != ImageNetResNet18.Name) throw new ArgumentException($"the only built-in model here is {ImageNetResNet18.Name}, not {modelName}");
        if (selectors.Count == 0) selectors.Add("op:Relu");
        if (replens.Length == 0) replens = Repository.File("src", "Host", "bin", "Release", "net10.0", "replens.dll");
        if (!File.Exists(replens)) throw new FileNotFoundException($"the host is not built at {replens}: dotnet build Plugins.sln -c Release (or give --replens PATH)");

        Directory.CreateDirectory(work);
        var folder = Path.Combine(work, "images");
        if (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.png").Length < count)
            Repository.RunPython(new[] { ExtractionBenchmark.Script, "images", work, count.ToString(CultureInfo.InvariantCulture) });
        var images = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).Take(count).ToList();
        var list = Path.Combine(work, "stimuli.csv");
        File.WriteAllLines(list, new[] { "path" }.Concat(images));

        using var model = new ResNetExtractor().Open(new ModelRequest(modelName, modelName, null, PluginOptions.Empty));
        var layers = model.SelectLayers(selectors);
        var pre = model.Preprocessing;
        long floats = layers.Sum(l => l.FeatureCount);
        Console.WriteLine($"{modelName}: {layers.Count} layers ({string.Join(" ", selectors)}), {floats:N0} floats per image; {images.Count} images 500×375; " +
                          $"{Environment.ProcessorCount} cores; ONNX Runtime {OrtEnv.Instance().GetVersionString()}");

        // RepLens in process: the view is built once; every repetition runs a fresh cursor over all images.
        var view = model.Extract(ExtractionBenchmark.Stimuli(images), layers, ExtractionOptions.Default);
        var optimizedView = model.Extract(ExtractionBenchmark.Stimuli(images), layers, ExtractionOptions.Default with { OptimizeGraph = true });

        // Plain ONNX Runtime on the package's files: the preprocessing model, then the network with the layers as outputs.
        var modelFolder = ImageNetResNet18.FindModelFolder();
        var proto = OnnxModelFile.Load(Path.Combine(modelFolder, ImageNetResNet18.NetworkFile));
        var outputs = layers.Select(l => l.NetworkName).ToList();
        foreach (var value in outputs.Where(v => proto.Graph.Output.All(o => o.Name != v)))
            proto.Graph.Output.Add(new ValueInfoProto { Name = value, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = TensorTypes.Float } } });
        using var network = new InferenceSession(proto.ToByteArray());
        // The file is IR version 3, where every initializer is also a graph input that a caller could override,
        // so ONNX Runtime may not fold the constants (BatchNorm into Conv). The same model as IR 4 without those
        // inputs, as RepLens's rewritten graph is, is the fairer baseline.
        var initializers = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var constantInputs = proto.Graph.Input.Where(i => initializers.Contains(i.Name)).ToList();
        foreach (var i in constantInputs) proto.Graph.Input.Remove(i);
        proto.IrVersion = Math.Max(proto.IrVersion, 4);
        using var network4 = new InferenceSession(proto.ToByteArray());
        // The preprocessing model is tiny: one thread that does not spin after its run, so that it takes no
        // cores from the network's threads.
        using var prepOptions = new SessionOptions { IntraOpNumThreads = 1 };
        prepOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var prep = new InferenceSession(Path.Combine(modelFolder, ImageNetResNet18.PreprocessFile), prepOptions);
        var sinks = layers.Select(l => new float[l.FeatureCount]).ToArray();
        var tensors = images.Select(p => ExtractionBenchmark.Pixels(p, pre)).ToList();
        void Raw(InferenceSession net, float[] pixels)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(pixels, new long[] { 1, 3, pre.CropHeight, pre.CropWidth });
            using var runOptions = new RunOptions();
            using var prepared = prep.Run(runOptions, new[] { "OriginalInput" }, new[] { value }, new[] { "PreprocessedInput" });
            using var results = net.Run(runOptions, new[] { net.InputNames[0] }, new[] { prepared[0] }, outputs);
            for (int i = 0; i < results.Count; i++) results[i].GetTensorDataAsSpan<float>().CopyTo(sinks[i]);
        }

        var phase = new List<double>();
        var output = Path.Combine(work, "out");
        void Command()
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
            phase.Add(RunReplensExtract(replens, work, modelName, list, string.Join(",", selectors), output));
        }

        var variants = new (string Name, Action Run)[]
        {
            ("replens extract (whole command)", Command),
            ("RepLens Extract in process", () => ExtractionBenchmark.ConsumeView(view, layers)),
            ("InferenceSession + same preprocessing", () => { foreach (var p in images) Raw(network, ExtractionBenchmark.Pixels(p, pre)); }),
            ("InferenceSession, inference only", () => { foreach (var t in tensors) Raw(network, t); }),
            ("InferenceSession (IR 4 copy) + same prep.", () => { foreach (var p in images) Raw(network4, ExtractionBenchmark.Pixels(p, pre)); }),
            ("RepLens Extract in process, optimizeGraph", () => ExtractionBenchmark.ConsumeView(optimizedView, layers)),
        };
        // CPU seconds of this process per run of each in-process variant (less sensitive than wall time to other
        // processes on a shared machine); the command runs in a child process and has none.
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var self = Process.GetCurrentProcess();
        Action Timed(int k) => () =>
        {
            var before = self.TotalProcessorTime;
            variants[k].Run();
            self.Refresh();
            cpu[k].Add((self.TotalProcessorTime - before).TotalSeconds);
        };
        var seconds = ExtractionBenchmark.Interleaved(repeats, Enumerable.Range(0, variants.Length).Select(Timed).ToArray());
        phase.RemoveAt(0); // the warm-up
        foreach (var c in cpu) c.RemoveAt(0);
        if (Directory.Exists(output)) Directory.Delete(output, true);

        double Ips(IReadOnlyList<double> s) => images.Count / ExtractionBenchmark.Median(s);
        for (int k = 0; k < variants.Length; k++) Console.WriteLine($"{variants[k].Name,-42} {Ips(seconds[k]),8:F2} images/s");
        Console.WriteLine($"{"replens extract, extraction + .npy writing",-42} {Ips(phase),8:F2} images/s (the command's own log)");
        double Ratio(List<double> a, List<double> b) => ExtractionBenchmark.Median(a.Zip(b, (x, y) => x / y).ToList());
        Console.WriteLine("time ratios, medians over repetitions (spread min–max):");
        Console.WriteLine($"  replens extract, whole command / InferenceSession + preprocessing:  {Ratio(seconds[0], seconds[2]):F3} ({ExtractionBenchmark.Spread(seconds[0], seconds[2])})");
        Console.WriteLine($"  replens extract, extraction phase / InferenceSession + preprocessing: {Ratio(phase, seconds[2]):F3} ({ExtractionBenchmark.Spread(phase, seconds[2])})");
        Console.WriteLine($"  RepLens in process / InferenceSession + preprocessing:              {Ratio(seconds[1], seconds[2]):F3} ({ExtractionBenchmark.Spread(seconds[1], seconds[2])})");
        Console.WriteLine($"  RepLens in process / InferenceSession inference only:               {Ratio(seconds[1], seconds[3]):F3} ({ExtractionBenchmark.Spread(seconds[1], seconds[3])})");
        Console.WriteLine($"  replens extract, whole command / InferenceSession (IR 4) + prep.:   {Ratio(seconds[0], seconds[4]):F3} ({ExtractionBenchmark.Spread(seconds[0], seconds[4])})");
        Console.WriteLine($"  replens extract, extraction phase / InferenceSession (IR 4) + prep.:{Ratio(phase, seconds[4]):F3} ({ExtractionBenchmark.Spread(phase, seconds[4])})");
        Console.WriteLine($"  RepLens in process / InferenceSession (IR 4) + prep.:               {Ratio(seconds[1], seconds[4]):F3} ({ExtractionBenchmark.Spread(seconds[1], seconds[4])})");
        Console.WriteLine($"  CPU time, RepLens in process / InferenceSession + preprocessing:    {Ratio(cpu[1], cpu[2]):F3} ({ExtractionBenchmark.Spread(cpu[1], cpu[2])})");
        Console.WriteLine($"  CPU time, RepLens in process / InferenceSession (IR 4) + prep.:     {Ratio(cpu[1], cpu[4]):F3} ({ExtractionBenchmark.Spread(cpu[1], cpu[4])})");
        Console.WriteLine($"  RepLens in process with optimizeGraph / InferenceSession + prep.:   {Ratio(seconds[5], seconds[2]):F3} ({ExtractionBenchmark.Spread(seconds[5], seconds[2])})");
        Console.WriteLine($"  CPU time, RepLens with optimizeGraph / InferenceSession + prep.:     {Ratio(cpu[5], cpu[2]):F3} ({ExtractionBenchmark.Spread(cpu[5], cpu[2])})");
        Console.WriteLine($"  CPU time, RepLens exact / RepLens with optimizeGraph:                {Ratio(cpu[1], cpu[5]):F3} ({ExtractionBenchmark.Spread(cpu[1], cpu[5])})");
        Console.WriteLine($"(medians of {repeats} repetitions after one warm-up; every repetition runs each variant once, in rotating order)");
        return 0;
    }

    /// <summary>Runs <c>replens extract</c>; returns the seconds its log gives for extraction and writing.</summary>
    private static double RunReplensExtract(string replens, string work, string model, string images, string layers, string output)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { replens, "extract", "--model", model, "--images", images, "--layers", layers, "--out", output }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var text = stdout.Result + stderr.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"replens extract failed ({p.ExitCode}): {text}");
        var m = Regex.Match(text, @"Extracted \d+ layers for \d+ images in ([0-9.]+) s");
        if (!m.Success) throw new InvalidOperationException("replens extract did not log its extraction time: " + text);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

}
