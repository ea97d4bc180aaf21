using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Onnx;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens layers MODEL</c>: a model's layers with op types and shapes.</summary>
internal static class LayersCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A built-in model (see `replens plugins`) or an ONNX file." };
        var family = new Option<string?>("--family") { Description = "Extractor family of an ONNX file (resnet, vit, clip, …); it sets layer naming and preprocessing. Without it the graph is listed as is." };
        var select = new Option<string[]>("--layers") { Description = "Only layers matching these selectors (names, globs such as layer*.relu, op:Relu, all).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var cmd = new Command("layers", "List a model's layers: readable name, the network's own name, op type, per-stimulus shape.")
        {
            model, family, select, json,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, _) =>
        {
            var name = parse.GetValue(model)!;
            var selectors = Selectors(parse.GetValue(select));
            ILoadedModel loaded;
            IReadOnlyList<LayerDescription> layers;
            var fam = parse.GetValue(family);
            if (fam is null && File.Exists(name))
            {
                loaded = OnnxLoadedModel.Open(Path.GetFullPath(name), new OnnxModelSettings("onnx", Preprocessing.ImageNet));
                layers = selectors.Count == 0 ? loaded.Layers : loaded.SelectLayers(selectors);
            }
            else
            {
                var config = ModelConfigFor(name, fam, selectors.Count == 0 ? new[] { "all" } : selectors);
                var session = sp.GetRequiredService<ModelOpener>().Open(config, "--family", "MODEL", "--layers");
                loaded = session.Model;
                layers = selectors.Count == 0 ? loaded.Layers : session.Layers;
            }
            using (loaded)
            {
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        model = loaded.Name,
                        family = loaded.Family,
                        preprocessing = loaded.Preprocessing.ToString(),
                        layers = layers.Select(l => new { name = l.Name, networkName = l.NetworkName, opType = l.OpType, kind = EnumNames.Name(l.Kind), shape = l.Shape, features = l.FeatureCount, depth = l.Depth }),
                    }, new JsonSerializerOptions { WriteIndented = true }));
                }
                else
                {
                    Console.WriteLine($"{loaded.Name} ({loaded.Family}): {layers.Count} of {loaded.Layers.Count} layers; preprocessing: {loaded.Preprocessing}");
                    int w1 = Math.Max(5, layers.Select(l => l.Name.Length).DefaultIfEmpty(0).Max());
                    int w2 = Math.Max(7, layers.Select(l => l.OpType.Length).DefaultIfEmpty(0).Max());
                    int w3 = Math.Max(5, layers.Select(l => Shape(l).Length).DefaultIfEmpty(0).Max());
                    Console.WriteLine($"{"depth",5}  {"layer".PadRight(w1)}  {"op type".PadRight(w2)}  {"shape".PadRight(w3)}  network name");
                    foreach (var l in layers)
                        Console.WriteLine($"{l.Depth,5}  {l.Name.PadRight(w1)}  {l.OpType.PadRight(w2)}  {Shape(l).PadRight(w3)}  {l.NetworkName}");
                }
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    /// <summary>Selectors given as repeated options and/or comma-separated lists.</summary>
    public static IReadOnlyList<string> Selectors(string[]? values) =>
        (values ?? Array.Empty<string>()).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();

    /// <summary>A model entry for a command line: a built-in model name, or an ONNX file with its family.</summary>
    public static ModelConfig ModelConfigFor(string modelOrFile, string? family, IReadOnlyList<string> layers)
    {
        bool isFile = File.Exists(modelOrFile) || modelOrFile.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        if (isFile && !File.Exists(modelOrFile)) throw new FileNotFoundException($"Model file '{Path.GetFullPath(modelOrFile)}' does not exist.");
        var name = isFile ? Path.GetFileNameWithoutExtension(modelOrFile) : modelOrFile;
        return new ModelConfig(LayerDescription.MakeSafe(name), family, isFile ? null : modelOrFile, isFile ? Path.GetFullPath(modelOrFile) : null,
            layers, new PluginOptions(null, "options", Environment.CurrentDirectory), "MODEL");
    }

    private static string Shape(LayerDescription l) => "[" + string.Join(", ", l.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
