using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.Host.Configuration;
using RepLens.Host.ReceptiveFields;
using RepLens.Host.Run;
using RepLens.Rsa;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens receptive-fields --onnx MODEL.onnx --layer NAME --units all|K[,K…] --out DIR</c>: receptive fields
/// of deep units by back-projection (see <see cref="ReceptiveFieldStudy"/>), for scripts. Writes
/// patterns.npy, units.csv, constants.csv, validation.csv, notes.txt and figures/ into DIR; with
/// <c>--compare OTHER.onnx</c>, one folder per network and similarity.csv.
/// </summary>
internal static class ReceptiveFieldsCommand
{
    public static Command Create()
    {
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file of a convolutional network.", Required = true };
        var family = new Option<string>("--family") { Description = "Extractor family (resnet, or a plugin's): layer naming, preprocessing and the de-normalisation of the figures.", DefaultValueFactory = _ => "resnet" };
        var layer = new Option<string[]>("--layer") { Description = "The layer (its name, a glob, op:MaxPool); comma-separated or repeated for several.", Required = true, AllowMultipleArgumentsPerToken = true };
        var units = new Option<string>("--units") { Description = "Channels to clamp: all, or a list such as 0,5,12.", Required = true };
        var position = new Option<string>("--position") { Description = "Where in each feature map: center (⌊H/2⌋, ⌊W/2⌋) or Y,X.", DefaultValueFactory = _ => "center" };
        var constants = new Option<string>("--constants") { Description = "The constants c the unit is clamped to.", DefaultValueFactory = _ => "0.5,1,1.5,2,2.5,3" };
        var bias = new Option<string>("--bias") { Description = "none (default): convolution biases left out; include: added back as the forward pass did.", DefaultValueFactory = _ => "none" };
        var compare = new Option<string?>("--compare") { Description = "A second ONNX file of the same architecture (e.g. after fine-tuning), shown side by side." };
        var maxTiles = new Option<int>("--max-tiles") { Description = "Units shown per layer in the image grids (the first ones).", DefaultValueFactory = _ => ReceptiveFieldOptions.DefaultMaxTiles };
        var noValidation = new Option<bool>("--no-validation") { Description = "Skip the forward validation (feeding every pattern forward)." };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda, for the back-projection.", DefaultValueFactory = _ => "auto" };
        var memory = new Option<string>("--memory") { Description = "Memory for the back-projected signals, e.g. 512MB.", DefaultValueFactory = _ => "512MB" };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var cmd = new Command("receptive-fields",
            "Receptive fields of deep units: clamp a unit to constants c in an otherwise zero feature map, project it back to the network's input " +
            "(transposed convolutions, repetition upsampling, ReLU), feed the pattern forward to check it drives the unit, and draw the grids.")
        {
            onnx, family, layer, units, position, constants, bias, compare, maxTiles, noValidation, device, memory, output,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, token) =>
        {
            var options = new ReceptiveFieldOptions(
                LayersCommand.Selectors(parse.GetValue(layer)),
                ReceptiveFieldOptions.ParseChannels(parse.GetValue(units)!, "--units"),
                ReceptiveFieldOptions.ParsePosition(parse.GetValue(position)!, "--position"),
                ReceptiveFieldOptions.ParseConstants(parse.GetValue(constants)!, "--constants"),
                EnumNames.Parse<BackProjectionBias>(parse.GetValue(bias), "--bias"),
                parse.GetValue(maxTiles),
                !parse.GetValue(noValidation));
            if (options.Layers.Count == 0) throw new ConfigurationErrorException("--layer", "no layer given.");
            if (options.MaxTiles < 1) throw new ConfigurationErrorException("--max-tiles", "must be at least 1.");
            var rsaDevice = EnumNames.Parse<RsaDevice>(parse.GetValue(device), "--device");
            if (!ByteSize.TryParse(parse.GetValue(memory), out var budget))
                throw new ConfigurationErrorException("--memory", $"'{parse.GetValue(memory)}' is not a size; expected e.g. 512MB or 2GB.");
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.receptive-fields");
            var opener = sp.GetRequiredService<ModelOpener>();

            var files = new List<(string File, string Where)> { (parse.GetValue(onnx)!, "--onnx") };
            if (parse.GetValue(compare) is { } other) files.Add((other, "--compare"));
            var sessions = new List<ModelSession>();
            try
            {
                foreach (var (file, where) in files)
                {
                    if (!File.Exists(file)) throw new FileNotFoundException($"Model file '{Path.GetFullPath(file)}' does not exist ({where}).");
                    var config = LayersCommand.ModelConfigFor(file, parse.GetValue(family), options.Layers);
                    if (sessions.Any(s => s.Name == config.Name)) config = config with { Name = config.Name + "_2" };
                    sessions.Add(opener.Open(config, "--family", where, "--layer"));
                }
                var models = sessions.Select(s => s.Model is IBackProjectableModel b
                    ? new ReceptiveFieldStudy.StudyModel(s.Name, b)
                    : throw new ConfigurationErrorException("--family", $"family '{s.Family}' opens '{s.Name}' as a model that cannot be back-projected; use an ONNX family such as resnet.")).ToList();

                var dir = Path.GetFullPath(parse.GetValue(output)!);
                Directory.CreateDirectory(dir);
                var layout = new ReceptiveFieldStudy.Layout(
                    name => models.Count == 1 ? dir : Path.Combine(dir, name),
                    Path.Combine(dir, "figures"),
                    Path.Combine(dir, "similarity.csv"));
                var study = new ReceptiveFieldStudy(options, rsaDevice, budget, ExtractionOptions.Default, log, token);
                var result = study.Run(models, layout, new ReceptiveFieldStudy.Where("--compare", "--layer", "--units", "--position"));
                var notes = Path.Combine(dir, "notes.txt");
                AtomicFile.WriteAllText(notes, string.Join("\n", result.Statistics.Select(kv => $"{kv.Key}: {kv.Value}").Concat(result.Warnings.Select(w => "warning: " + w))) + "\n");
                foreach (var line in result.Statistics.Where(kv => kv.Key.StartsWith("clamped channel first", StringComparison.Ordinal)))
                    Console.WriteLine($"{line.Key}: {line.Value}");
                Console.WriteLine($"{models.Count} network(s), {result.Files.Count + 1} files → {dir}");
                return Task.FromResult(ExitCodes.Success);
            }
            finally
            {
                foreach (var s in sessions) s.Model.Dispose();
            }
        }));
        return cmd;
    }
}
