using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Data;
using RepLens.Host.Run;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens extract</c>: layer activations of a model for a set of images, one <c>&lt;layer&gt;.npy</c>
/// (N × P float32) per layer, with <c>stimuli.csv</c> (row order) and <c>layers.csv</c> (file → layer).
/// A rerun into the same folder keeps the layers already written for the same model and images.
/// </summary>
internal static class ExtractCommand
{
    private const string StateFile = "extract.json";

    public static Command Create()
    {
        var onnx = new Option<string?>("--onnx") { Description = "The ONNX file of the network (with --family)." };
        var family = new Option<string?>("--family") { Description = "Extractor family: resnet, vit, clip, or a plugin's." };
        var model = new Option<string?>("--model") { Description = "A built-in model instead of a file (e.g. resnet18-imagenet)." };
        var images = new Option<string>("--images") { Description = "A folder of images, or a stimulus table (CSV: path[,id][,category][,captions]).", Required = true };
        var layers = new Option<string[]>("--layers") { Description = "Layers: names, globs (layer*.relu), op types (op:Relu) or all; comma-separated or repeated.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var onBad = new Option<string>("--on-bad-image") { Description = "stop (default) or skip images that cannot be decoded.", DefaultValueFactory = _ => "stop" };
        var gpu = new Option<int?>("--gpu-device-id") { Description = "Run ONNX Runtime on this CUDA device (needs the GPU build of ONNX Runtime)." };
        var optimize = new Option<bool>("--optimize-graph")
        {
            Description = "Let ONNX Runtime optimise the graph: about 1.3x faster on CPU, but a layer's values then change in the last bits with the set of layers extracted with it.",
        };
        var cmd = new Command("extract", "Extract layer activations: one <layer>.npy (stimuli × features, float32) per layer, stimuli.csv and layers.csv.")
        {
            onnx, family, model, images, layers, output, onBad, gpu, optimize,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, token) =>
        {
            var file = parse.GetValue(onnx);
            var builtIn = parse.GetValue(model);
            if ((file is null) == (builtIn is null))
                throw new UserInputException("give either --onnx FILE (with --family) or --model BUILT-IN, not both and not neither.");
            var selectors = LayersCommand.Selectors(parse.GetValue(layers));
            var config = LayersCommand.ModelConfigFor(file ?? builtIn!, parse.GetValue(family), selectors);
            var policy = EnumNames.Parse<BadImagePolicy>(parse.GetValue(onBad), "--on-bad-image");
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.extract");

            var table = StimulusTableReader.Read(parse.GetValue(images)!);
            var check = StimulusImageCheck.Apply(table, policy, log);
            var stimuli = check.Kept;
            using var session = new DisposableSession(sp.GetRequiredService<ModelOpener>().Open(config, "--family", file is null ? "--model" : "--onnx", "--layers"));
            var loaded = session.Value.Model;
            var selected = session.Value.Layers;

            var dir = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(dir);
            var state = new Dictionary<string, string> { ["fingerprint"] = loaded.Fingerprint, ["stimuli"] = StimulusSetKey.Compute(stimuli) };
            var statePath = Path.Combine(dir, StateFile);
            bool sameWork = File.Exists(statePath) && JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(statePath)) is { } old
                            && old.GetValueOrDefault("fingerprint") == state["fingerprint"] && old.GetValueOrDefault("stimuli") == state["stimuli"];
            var files = selected.Select(l => Path.Combine(dir, l.SafeName + ".npy")).ToList();
            if (!sameWork)
            {
                foreach (var f in files.Where(File.Exists)) File.Delete(f);
                AtomicFile.WriteAllText(statePath, JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
            }
            var todo = new List<int>();
            for (int i = 0; i < selected.Count; i++)
            {
                bool done = false;
                if (File.Exists(files[i]))
                {
                    try { done = Npy.ReadHeader(files[i]).Shape.SequenceEqual(new long[] { stimuli.Count, selected[i].FeatureCount }); }
                    catch (NpyFormatException) { }
                }
                if (!done) todo.Add(i);
            }
            if (todo.Count < selected.Count) log.LogInformation("{Done} of {Total} layers already extracted in {Dir}", selected.Count - todo.Count, selected.Count, dir);
            if (todo.Count > 0)
            {
                var ml = sp.GetRequiredService<MLContext>();
                var view = loaded.Extract(StimulusDataView.Create(ml, stimuli), todo.Select(i => selected[i]).ToList(),
                    new ExtractionOptions(parse.GetValue(gpu), OptimizeGraph: parse.GetValue(optimize)));
                var started = System.Diagnostics.Stopwatch.StartNew();
                using (var progress = Progress.ProgressReporter.FromEnvironment(log).Start($"Model '{loaded.Name}'", stimuli.Count, "images"))
                    VectorColumnWriter.Write($"Model '{loaded.Name}'", view,
                        todo.Select(i => new VectorColumnWriter.Column(selected[i].SafeName, selected[i].FeatureCount, $"layer '{selected[i].Name}'", files[i])).ToList(),
                        stimuli, progress, log, token);
                log.LogInformation("Extracted {Layers} layers for {N} images in {Seconds:0.0} s ({Rate:0.0} images/s)", todo.Count, stimuli.Count,
                    started.Elapsed.TotalSeconds, stimuli.Count / Math.Max(1e-9, started.Elapsed.TotalSeconds));
            }
            var inv = CultureInfo.InvariantCulture;
            CsvTable.Write(Path.Combine(dir, "stimuli.csv"), new[] { "index", "id", "path", "category" },
                stimuli.Select((s, i) => (IReadOnlyList<string>)new[] { i.ToString(inv), s.Id, s.ImagePath, s.Category ?? "" }));
            CsvTable.Write(Path.Combine(dir, "layers.csv"), new[] { "file", "layer", "network_name", "op_type", "shape", "features" },
                selected.Select(l => (IReadOnlyList<string>)new[]
                {
                    l.SafeName + ".npy", l.Name, l.NetworkName, l.OpType, string.Join("x", l.Shape.Select(d => d.ToString(inv))), l.FeatureCount.ToString(inv),
                }));
            if (check.Skipped.Count > 0) log.LogWarning("{Count} images could not be decoded and were skipped: {Ids}", check.Skipped.Count, string.Join(", ", check.Skipped.Select(s => s.Id)));
            Console.WriteLine($"{selected.Count} layers × {stimuli.Count} images → {dir} ({check.Skipped.Count} skipped)");
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    private sealed class DisposableSession(ModelSession value) : IDisposable
    {
        public ModelSession Value { get; } = value;

        public void Dispose() => Value.Model.Dispose();
    }
}
