using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Data;
using RepLens.Host.Plugins;
using RepLens.Host.Run;
using RepLens.Rsa;
using RepLens.Rsa.Rdms;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens semantics (--coco CAPTIONS.json | --stimuli STIMULI.csv) [--encoder …] --out DIR</c>: caption
/// embeddings per image — the mean over its captions, from a caption target (default kind
/// <c>captions</c>, default encoder its built-in one) — written as <c>DIR/embeddings.npy</c> (N × D
/// float32, one row per image that has captions, in the input's order), <c>DIR/ids.txt</c> (the COCO image
/// id or stimulus id of each row), <c>DIR/rdm.npy</c> (cosine distances, N × N float64) and
/// <c>DIR/semantics.json</c> (encoder and counts). All files appear together or not at all.
/// </summary>
internal static class SemanticsCommand
{
    /// <summary>The target kind asked for unless <c>--kind</c> says otherwise (a plugin's; the host knows none by name).</summary>
    public const string DefaultKind = "captions";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["encoder"] = "--encoder", ["model"] = "--encoder", ["vocab"] = "--vocab", ["merges"] = "--merges", ["bpe"] = "--bpe",
        ["normalizeCaptions"] = "--normalize-captions", ["coco"] = "--coco", ["batchSize"] = "--batch-size", ["cache"] = "--cache",
    };

    public static Command Create()
    {
        var coco = new Option<string?>("--coco") { Description = "A COCO caption file (captions_*.json): images[].id, images[].file_name, annotations[].image_id, annotations[].caption.", HelpName = "CAPTIONS.json" };
        var stimuli = new Option<string?>("--stimuli") { Description = "A stimulus table (CSV with id, path and captions columns; captions separated by '|').", HelpName = "STIMULI.csv" };
        var encoder = new Option<string?>("--encoder") { Description = "minilm (the built-in all-MiniLM-L6-v2, default), or an .onnx text encoder: a CLIP text tower (tools/export_onnx.py --tower text) or a BERT-style sentence encoder.", HelpName = "minilm|MODEL.onnx" };
        var vocab = new Option<string?>("--vocab") { Description = "Tokenizer vocabulary of an ONNX encoder: CLIP's vocab.json or a sentence encoder's vocab.txt (default: beside the model)." };
        var merges = new Option<string?>("--merges") { Description = "CLIP's merges.txt (with --vocab), for a CLIP text tower." };
        var bpe = new Option<string?>("--bpe") { Description = "OpenAI CLIP's bpe_simple_vocab_16e6.txt.gz (instead of --vocab and --merges)." };
        var normalize = new Option<bool>("--normalize-captions") { Description = "L2-normalise each caption's embedding before averaging." };
        var onMissing = new Option<string>("--on-missing") { Description = "An image without captions: stop (default) or skip (left out, listed in the log and semantics.json).", DefaultValueFactory = _ => "stop" };
        var kind = new Option<string>("--kind") { Description = "The caption target kind to use (a plugin's).", DefaultValueFactory = _ => DefaultKind };
        var cache = new Option<string?>("--cache") { Description = "A folder to cache caption embeddings in across runs (by encoder and caption text).", HelpName = "DIR" };
        var batch = new Option<int?>("--batch-size") { Description = "Captions per encoder call (default 256)." };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true, HelpName = "DIR" };
        var cmd = new Command("semantics",
            "Caption embeddings per image (mean over its captions) and their cosine RDM: DIR/embeddings.npy (N × D float32), DIR/ids.txt, DIR/rdm.npy (N × N float64).")
        {
            coco, stimuli, encoder, vocab, merges, bpe, normalize, onMissing, kind, cache, batch, output,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, token) =>
        {
            var cocoFile = parse.GetValue(coco);
            var table = parse.GetValue(stimuli);
            if ((cocoFile is null) == (table is null))
                throw new UserInputException("give either --coco CAPTIONS.json or --stimuli STIMULI.csv, not both and not neither.");
            var skip = parse.GetValue(onMissing)?.Trim().ToLowerInvariant() switch
            {
                "stop" => false,
                "skip" => true,
                var other => throw new ConfigurationErrorException("--on-missing", $"'{other}' is not a valid value; expected one of: stop, skip."),
            };
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.semantics");
            var clock = Stopwatch.StartNew();

            var input = cocoFile is not null ? FromCoco(cocoFile) : StimulusTableReader.Read(table!);
            var missing = input.Where(s => s.Captions.Count == 0).Select(s => s.Id).ToList();
            if (missing.Count > 0 && !skip)
                throw new InvalidDataException(
                    $"{input.Source}: {missing.Count} of {input.Count} images have no caption: {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", …" : "")}. " +
                    "Give them captions, or leave them out with --on-missing skip.");
            if (missing.Count > 0)
                log.LogWarning("{Count} of {Total} images have no caption and are left out: {Ids}", missing.Count, input.Count,
                    string.Join(", ", missing.Take(20)) + (missing.Count > 20 ? ", …" : ""));
            var kept = new StimulusTable(input.Where(s => s.Captions.Count > 0), input.Source);
            if (kept.Count == 0) throw new InvalidDataException($"{input.Source}: no image has a caption.");

            var options = new JsonObject { ["encoder"] = parse.GetValue(encoder) ?? "minilm" };
            if (cocoFile is not null)
            {
                // The target reads the captions from the COCO file itself, so that its description names the file.
                options["coco"] = Path.GetFullPath(cocoFile);
                options["matchBy"] = "id";
            }
            if (parse.GetValue(vocab) is { } v) options["vocab"] = Path.GetFullPath(v);
            if (parse.GetValue(merges) is { } m) options["merges"] = Path.GetFullPath(m);
            if (parse.GetValue(bpe) is { } b) options["bpe"] = Path.GetFullPath(b);
            if (parse.GetValue(normalize)) options["normalizeCaptions"] = true;
            if (parse.GetValue(batch) is { } n) options["batchSize"] = n;
            var cacheDir = parse.GetValue(cache) is { } c ? Path.GetFullPath(c) : null;
            var target = Open(sp.GetRequiredService<ExtensionDirectory>(), parse.GetValue(kind)!, options, cacheDir);
            log.LogInformation("Encoder: {Encoder}", target.EncoderDescription);

            int captions = kept.Sum(s => s.Captions.Count);
            var representation = target.Compute(kept, token);
            var dir = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(dir);
            var stage = Path.Combine(dir, $".semantics.tmp-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(stage);
                var embeddings = Path.Combine(stage, "embeddings.npy");
                VectorColumnWriter.Write($"Target '{target.Name}'", representation.Vectors
                        ?? throw new InvalidOperationException($"Target kind '{parse.GetValue(kind)}' returned a ready RDM, not vectors."),
                    [new VectorColumnWriter.Column(representation.VectorColumn!, target.Dimensions, "caption embeddings", embeddings)], kept, null, log, token);
                File.WriteAllLines(Path.Combine(stage, "ids.txt"), kept.Ids);
                using (var matrix = NpyMatrix.Open(embeddings))
                {
                    var rdm = RdmCalculator.Compute(matrix, kept.Ids, DistanceMetric.Cosine, new RdmOptions { Device = RsaDevice.Cpu, Precision = RsaPrecision.Float64 }, log).Rdm;
                    Npy.Write(Path.Combine(stage, "rdm.npy"), rdm.ToSquare(), [rdm.Count, rdm.Count]);
                }
                var info = new JsonObject
                {
                    ["encoder"] = target.EncoderDescription, ["fingerprint"] = target.Fingerprint, ["kind"] = parse.GetValue(kind),
                    ["input"] = input.Source, ["images"] = kept.Count, ["dimensions"] = target.Dimensions, ["captions"] = captions,
                    ["skipped"] = new JsonArray(missing.Select(id => (JsonNode?)id).ToArray()), ["metric"] = "cosine",
                };
                File.WriteAllText(Path.Combine(stage, "semantics.json"), info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                foreach (var f in new[] { "embeddings.npy", "ids.txt", "rdm.npy", "semantics.json" })
                    File.Move(Path.Combine(stage, f), Path.Combine(dir, f), overwrite: true);
            }
            finally
            {
                if (Directory.Exists(stage)) Directory.Delete(stage, recursive: true);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{kept.Count} images × {target.Dimensions} ({captions} captions{(missing.Count > 0 ? $", {missing.Count} images without captions skipped" : "")}) → {dir} in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    private static ITextEmbeddingTarget Open(ExtensionDirectory extensions, string kind, JsonObject options, string? cacheDir)
    {
        var target = extensions.Target(kind, "--kind");
        const string path = "semantics";
        using var doc = JsonDocument.Parse(options.ToJsonString());
        IConfiguredTarget configured;
        try
        {
            configured = target.Open(new TargetRequest(path, new PluginOptions(doc.RootElement, path, Environment.CurrentDirectory)) { CacheDirectory = cacheDir });
        }
        catch (ConfigurationErrorException e) when (e.Path.StartsWith(path + ".", StringComparison.Ordinal))
        {
            if (!IsTextTarget(target)) throw NotText(kind);
            var key = e.Path[(path.Length + 1)..].Split('.', '[')[0];
            throw new ConfigurationErrorException(Flags.GetValueOrDefault(key, "--" + key), e.Problem);
        }
        return configured as ITextEmbeddingTarget ?? throw NotText(kind);
    }

    private static UserInputException NotText(string kind) =>
        new($"target kind '{kind}' does not embed texts (it is not a caption encoder); use a caption target such as '{DefaultKind}'.");

    /// <summary>Whether a kind opened with no options is a text target (a kind that refuses our options may simply not be one).</summary>
    private static bool IsTextTarget(IRepresentationalTarget target)
    {
        try
        {
            return target.Open(new TargetRequest("probe", PluginOptions.Empty)) is ITextEmbeddingTarget;
        }
        catch (Exception e) when (e is ConfigurationErrorException or IOException or InvalidDataException or ArgumentException)
        {
            return true;
        }
    }

    /// <summary>The images of a COCO caption file as a stimulus table (id = COCO image id), in file order.</summary>
    private static StimulusTable FromCoco(string file)
    {
        var full = Path.GetFullPath(file);
        var dir = Path.GetDirectoryName(full)!;
        var images = CocoCaptions.Read(full);
        if (images.Count == 0) throw new InvalidDataException($"{full}: 'images' is empty.");
        return new StimulusTable(images.Select(i => new Stimulus(i.Id.ToString(CultureInfo.InvariantCulture),
            Path.Combine(dir, i.FileName ?? i.Id.ToString(CultureInfo.InvariantCulture)), null, i.Captions)), full);
    }
}
