using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Data;
using RepLens.Host.Plugins;
using RepLens.Imaging;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens saliency</c>: the saliency map of every image, from any target kind whose configured target
/// is an <see cref="IImageMapTarget"/> (the default is the built-in Itti–Koch model). Writes
/// <c>&lt;id&gt;.npy</c> (float32, Height × Width of the image), <c>&lt;id&gt;.png</c> (the map as a heat
/// map over the image, for looking at) and <c>saliency.csv</c> (id, image, size, files); every file
/// atomically. A rerun into the same folder with the same target and options keeps the maps already
/// written; another target or other options recompute them.
/// </summary>
internal static class SaliencyCommand
{
    /// <summary>The target kind used when <c>--kind</c> is not given.</summary>
    public const string DefaultKind = "itti-koch";

    private const string StateFile = "saliency.json";
    private const string IndexFile = "saliency.csv";

    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "A folder of images, or a stimulus table (CSV: path[,id][,category][,captions]).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: <id>.npy maps, <id>.png overlays, saliency.csv.", Required = true };
        var kind = new Option<string>("--kind") { Description = $"Saliency target kind (any target that computes maps from images; see `replens plugins`). Default: {DefaultKind}.", DefaultValueFactory = _ => DefaultKind };
        var optionsFile = new Option<string?>("--options") { Description = "A JSON file with the target's options (the \"options\" object of a config's target); relative paths in it are read from its folder." };
        var onBad = new Option<string>("--on-bad-image") { Description = "stop (default) or skip images that cannot be decoded.", DefaultValueFactory = _ => "stop" };
        var threads = new Option<int>("--threads") { Description = "Images computed at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = new Command("saliency", "Saliency maps of images: <id>.npy (float32, height × width of the image) and <id>.png (heat map over the image) per image.")
        {
            images, output, kind, optionsFile, onBad, threads,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, token) =>
        {
            var policy = EnumNames.Parse<BadImagePolicy>(parse.GetValue(onBad), "--on-bad-image");
            int dop = parse.GetValue(threads);
            if (dop < 1) throw new ConfigurationErrorException("--threads", $"expected a positive number of images at once; got {dop}.");
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.saliency");

            var kindName = parse.GetValue(kind)!;
            var target = sp.GetRequiredService<ExtensionDirectory>().Target(kindName, "--kind");
            IConfiguredTarget configured;
            try
            {
                configured = target.Open(new TargetRequest(kindName, ReadOptions(parse.GetValue(optionsFile))));
            }
            catch (ConfigurationErrorException e)
            {
                throw new ConfigurationErrorException(e.Path, $"target kind '{kindName}': {e.Problem}");
            }
            try
            {
                if (configured is not IImageMapTarget maps)
                    throw new UserInputException(
                        $"--kind: target kind '{kindName}' gives no per-image maps (its configured target does not implement IImageMapTarget, e.g. precomputed maps " +
                        $"that have no image to compute from); `replens saliency` needs a kind that computes a map from each image, such as '{DefaultKind}'.");
                return Task.FromResult(Run(maps, kindName, parse.GetValue(images)!, Path.GetFullPath(parse.GetValue(output)!), policy, dop, log, token));
            }
            finally
            {
                (configured as IDisposable)?.Dispose();
            }
        }));
        return cmd;
    }

    private static int Run(IImageMapTarget maps, string kind, string images, string dir, BadImagePolicy policy, int dop, ILogger log, CancellationToken token)
    {
        var table = StimulusTableReader.Read(images);
        foreach (var s in table) CheckFileName(s.Id, table.Source);
        var files = table.ToDictionary(s => s.Id, s => (Npy: Path.Combine(dir, s.Id + ".npy"), Png: Path.Combine(dir, s.Id + ".png")), StringComparer.Ordinal);
        var outputs = files.Values.SelectMany(f => new[] { f.Npy, f.Png }).ToHashSet(StringComparer.Ordinal);
        var clash = table.FirstOrDefault(s => outputs.Contains(Path.GetFullPath(s.ImagePath)));
        if (clash is not null)
            throw new UserInputException($"--out: writing the maps into '{dir}' would overwrite the image of stimulus '{clash.Id}' ('{clash.ImagePath}'); choose another output folder.");

        Directory.CreateDirectory(dir);
        var statePath = Path.Combine(dir, StateFile);
        var state = new Dictionary<string, string> { ["kind"] = kind, ["fingerprint"] = maps.Fingerprint };
        bool sameTarget = File.Exists(statePath) && ReadState(statePath) is { } old
                          && old.GetValueOrDefault("kind") == kind && old.GetValueOrDefault("fingerprint") == maps.Fingerprint;
        if (!sameTarget)
        {
            foreach (var (npy, png) in files.Values)
            {
                File.Delete(npy);
                File.Delete(png);
            }
            AtomicFile.WriteAllText(statePath, JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
        }

        // Done: both files there and the map of the image's size (read from its header).
        var sizes = new Dictionary<string, (int Width, int Height)>(StringComparer.Ordinal);
        var todo = new List<Stimulus>();
        foreach (var s in table)
        {
            var (npy, png) = files[s.Id];
            bool done = false;
            if (File.Exists(npy) && File.Exists(png))
            {
                try
                {
                    var size = ImageDecoder.ReadSize(s.ImagePath);
                    done = Npy.ReadHeader(npy).Shape.SequenceEqual(new long[] { size.Height, size.Width });
                    if (done) sizes[s.Id] = size;
                }
                catch (Exception e) when (e is IOException or InvalidDataException or NpyFormatException or UnauthorizedAccessException)
                {
                }
            }
            if (!done) todo.Add(s);
        }
        if (todo.Count < table.Count) log.LogInformation("{Done} of {Total} maps already in {Dir}", table.Count - todo.Count, table.Count, dir);

        var skipped = new List<(string Id, string Path, string Problem)>();
        var kept = new List<Stimulus>();
        if (todo.Count > 0)
        {
            var check = StimulusImageCheck.Apply(new StimulusTable(todo, table.Source), policy, log, minimumKept: 0);
            skipped.AddRange(check.Skipped);
            kept.AddRange(check.Kept);
            foreach (var s in skipped)
            {
                File.Delete(files[s.Id].Npy);
                File.Delete(files[s.Id].Png);
            }
        }

        var started = Stopwatch.StartNew();
        var computed = new (int Width, int Height)[kept.Count];
        var errors = new Exception?[kept.Count];
        Parallel.For(0, kept.Count, new ParallelOptions { MaxDegreeOfParallelism = dop, CancellationToken = token }, (i, loop) =>
        {
            var s = kept[i];
            try
            {
                computed[i] = WriteMap(maps, kind, s, files[s.Id].Npy, files[s.Id].Png);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException or UnauthorizedAccessException)
            {
                errors[i] = e;
                loop.Stop();
            }
        });
        int failed = Array.FindIndex(errors, e => e is not null);
        if (failed >= 0)
        {
            var e = errors[failed]!;
            throw new InvalidDataException($"Target '{kind}': stimulus '{kept[failed].Id}' ({kept[failed].ImagePath}): {e.Message}", e);
        }
        for (int i = 0; i < kept.Count; i++) sizes[kept[i].Id] = computed[i];
        var seconds = started.Elapsed.TotalSeconds;
        if (kept.Count > 0)
            log.LogInformation("Computed {N} maps in {Seconds:0.0} s ({Rate:0.00} maps/s)", kept.Count, seconds, kept.Count / Math.Max(1e-9, seconds));

        var written = table.Where(s => sizes.ContainsKey(s.Id)).ToList();
        if (written.Count == 0)
            throw new InvalidDataException($"{table.Source}: none of the {table.Count} images could be decoded; no maps were written.");
        var inv = CultureInfo.InvariantCulture;
        CsvTable.Write(Path.Combine(dir, IndexFile), new[] { "id", "path", "width", "height", "map", "overlay" },
            written.Select(s => (IReadOnlyList<string>)new[]
            {
                s.Id, s.ImagePath, sizes[s.Id].Width.ToString(inv), sizes[s.Id].Height.ToString(inv), s.Id + ".npy", s.Id + ".png",
            }));
        if (skipped.Count > 0)
            log.LogWarning("{Count} images could not be decoded and were skipped: {Ids}", skipped.Count, string.Join(", ", skipped.Select(s => s.Id)));
        Console.WriteLine($"{written.Count} saliency maps ({kind}) → {dir} ({kept.Count} computed, {written.Count - kept.Count} already there, {skipped.Count} skipped)");
        return ExitCodes.Success;
    }

    /// <summary>Decodes, computes and writes one image's map and overlay; the overlay first, so that an existing map means both are complete.</summary>
    private static (int Width, int Height) WriteMap(IImageMapTarget maps, string kind, Stimulus stimulus, string npy, string png)
    {
        var image = ImageDecoder.Decode(stimulus.ImagePath);
        var map = maps.ComputeMap(image);
        if (map.Rows != image.Height || map.Columns != image.Width)
            throw new InvalidOperationException(
                $"Target '{kind}' returned a {map.Rows} × {map.Columns} map for the {image.Height} × {image.Width} (height × width) image of stimulus '{stimulus.Id}'; a map must have the image's size.");
        AtomicFile.WriteAllBytes(png, PngEncoder.Encode(HeatmapOverlay.Blend(image, map)));
        Npy.Write(npy, map.Data, new long[] { map.Rows, map.Columns });
        return (image.Width, image.Height);
    }

    /// <summary>Reads <c>--options FILE</c>: the target's options as a JSON object (relative paths from its folder), or none.</summary>
    internal static PluginOptions ReadOptions(string? file)
    {
        if (file is null) return new PluginOptions(null, "--options", Environment.CurrentDirectory);
        var full = Path.GetFullPath(file);
        if (!File.Exists(full)) throw new FileNotFoundException($"--options: file '{full}' does not exist.", full);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"--options: '{full}' must hold a JSON object (the target's options); found {doc.RootElement.ValueKind}.");
            return new PluginOptions(doc.RootElement.Clone(), $"{full}: $", Path.GetDirectoryName(full)!);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"--options: '{full}' is not valid JSON: {e.Message}", e);
        }
    }

    private static Dictionary<string, string>? ReadState(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void CheckFileName(string id, string source)
    {
        if (id is "." or ".." || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains('\\'))
            throw new InvalidDataException($"{source}: stimulus id '{id}' cannot name a file (<id>.npy); use ids without '/', '\\' or control characters.");
    }
}
