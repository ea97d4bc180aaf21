using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Rsa;

namespace RepLens.Host.Configuration;

/// <summary>
/// Reads a run config (one JSON file), validates it and reports every error at once, each with its
/// JSON path and what was expected. Relative paths are resolved against the config's folder.
/// Checks that need plugins (families, target kinds, options) are done by the run itself, also all
/// at once, before any compute.
/// </summary>
internal sealed class ConfigLoader(IReadOnlyList<IAnalysisKind> analysisKinds)
{
    public const long DefaultMemoryBudget = 2L << 30;

    /// <summary>
    /// The extra plugin folders a config names, read before the host is built (plugins must be loaded
    /// before the rest of the config can be checked). Any problem is left for <see cref="Load"/> to report.
    /// </summary>
    public static IReadOnlyList<string> PeekPluginFolders(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            using var doc = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("plugins", out var p) || p.ValueKind != JsonValueKind.Array)
                return Array.Empty<string>();
            var dir = Path.GetDirectoryName(full)!;
            return p.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String)
                .Select(e => Path.GetFullPath(e.GetString()!, dir)).Where(Directory.Exists).ToList();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    public RunConfig Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Config file '{full}' does not exist.", full);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidConfigurationException(full, new[]
            {
                new ConfigurationErrorException($"line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}", $"not valid JSON: {e.Message.Split(" Path:")[0]}"),
            });
        }
        using (doc) return Parse(doc.RootElement, full);
    }

    public RunConfig Parse(JsonElement root, string configPath)
    {
        var errors = new ConfigErrors();
        var baseDir = Path.GetDirectoryName(configPath)!;
        var r = new JsonObjectReader(root, "$", errors);

        string? Resolve(string? p) => p is null ? null : Path.GetFullPath(p, baseDir);

        var name = r.String("name");
        var stimuli = Resolve(r.String("stimuli", required: true, expected: "the path of a stimulus table (CSV with columns id,path[,category][,captions])"));
        if (stimuli is not null && !File.Exists(stimuli))
            errors.Add("$.stimuli", $"file '{stimuli}' does not exist.");
        var output = Resolve(r.String("output", required: true, expected: "the path of the output folder"));
        var cache = Resolve(r.String("cache"));
        var seed = r.Int("seed", 0, min: 0);
        var device = r.Enum("device", RsaDevice.Auto);
        var precision = r.Enum("precision", RsaPrecision.Float32);
        long memory = DefaultMemoryBudget;
        var memoryText = r.String("memory", expected: "a size such as \"2GB\" or \"512MB\"");
        if (memoryText is not null && !ByteSize.TryParse(memoryText, out memory))
        {
            errors.Add("$.memory", $"'{memoryText}' is not a size; expected e.g. \"2GB\", \"512MB\".");
            memory = DefaultMemoryBudget;
        }
        var onBad = r.Enum("onBadImage", BadImagePolicy.Stop);
        var gpu = r.Get("gpuDeviceId") is null ? (int?)null : r.Int("gpuDeviceId", 0, min: 0);
        var fallback = r.Bool("fallbackToCpu", true);
        var optimizeGraph = r.Bool("optimizeGraph", false);
        var plugins = r.StringList("plugins").Select(p => Path.GetFullPath(p, baseDir)).ToList();
        for (int i = 0; i < plugins.Count; i++)
            if (!Directory.Exists(plugins[i])) errors.Add($"$.plugins[{i}]", $"folder '{plugins[i]}' does not exist.");

        var models = ReadModels(r, baseDir, errors);
        var targets = ReadTargets(r, baseDir, errors);
        var brain = ReadBrain(r, baseDir, errors);
        var context = new ConfigContext(models.Select(m => m.Name).ToList(), targets.Select(t => t.Name).ToList(), errors)
        {
            BrainNames = brain.Select(b => b.Name).ToList(),
            BaseDirectory = baseDir,
        };
        var analyses = ReadAnalyses(r, context);
        r.RejectUnknownKeys();
        errors.ThrowIfAny(configPath);

        return new RunConfig
        {
            ConfigPath = configPath,
            BaseDirectory = baseDir,
            Name = name,
            StimuliPath = stimuli!,
            OutputDirectory = output!,
            CacheDirectory = cache,
            Seed = seed,
            Device = device,
            Precision = precision,
            MemoryBudgetBytes = memory,
            OnBadImage = onBad,
            Extraction = new ExtractionOptions(gpu, fallback, optimizeGraph),
            PluginFolders = plugins,
            Models = models,
            Targets = targets,
            Brain = brain,
            Analyses = analyses,
        };
    }

    private static List<ModelConfig> ReadModels(JsonObjectReader root, string baseDir, ConfigErrors errors)
    {
        var list = new List<ModelConfig>();
        foreach (var (item, path) in root.Array("models"))
        {
            var m = new JsonObjectReader(item, path, errors);
            if (!m.IsObject) continue;
            var name = m.String("name", required: true, expected: "a unique model name");
            var family = m.String("family", expected: "an extractor family id such as \"resnet\", \"vit\" or \"clip\"");
            var builtIn = m.String("model", expected: "the name of a built-in model such as \"resnet18-imagenet\"");
            var onnx = m.String("onnx", expected: "the path of an ONNX file");
            var layers = m.StringList("layers");
            var options = m.Options("options", baseDir);
            m.RejectUnknownKeys();
            string? modelPath = null;
            if (builtIn is not null && onnx is not null)
                errors.Add(path, "give either \"model\" (a built-in model) or \"onnx\" (a model file), not both.");
            else if (builtIn is null && onnx is null)
                errors.Add(path, "missing \"model\" (a built-in model name) or \"onnx\" (the path of an ONNX file).");
            if (onnx is not null)
            {
                modelPath = Path.GetFullPath(onnx, baseDir);
                if (!File.Exists(modelPath)) errors.Add($"{path}.onnx", $"file '{modelPath}' does not exist.");
                if (family is null) errors.Add($"{path}.family", "required with \"onnx\": which extractor family reads this file (e.g. \"resnet\", \"vit\", \"clip\").");
            }
            if (name is null) continue;
            if (list.Any(x => x.Name == name)) errors.Add($"{path}.name", $"model name '{name}' is used twice; names must be unique.");
            else if (LayerDescription.MakeSafe(name) != name) errors.Add($"{path}.name", $"'{name}' is not usable as a folder name; use letters, digits, '.', '-' or '_'.");
            list.Add(new ModelConfig(name, family, builtIn, modelPath, layers.Count == 0 ? new[] { "all" } : layers, options, path));
        }
        return list;
    }

    private static List<TargetConfig> ReadTargets(JsonObjectReader root, string baseDir, ConfigErrors errors)
    {
        var list = new List<TargetConfig>();
        foreach (var (item, path) in root.Array("targets"))
        {
            var t = new JsonObjectReader(item, path, errors);
            if (!t.IsObject) continue;
            var name = t.String("name", required: true, expected: "a unique target name");
            var kind = t.String("kind", required: true, expected: "a target kind such as \"category\", \"itti-koch\" or \"captions\"");
            DistanceMetric? metric = t.Get("metric") is null ? null : t.Enum("metric", DistanceMetric.Cosine);
            var options = t.Options("options", baseDir);
            t.RejectUnknownKeys();
            if (name is null || kind is null) continue;
            if (list.Any(x => x.Name == name)) errors.Add($"{path}.name", $"target name '{name}' is used twice; names must be unique.");
            else if (LayerDescription.MakeSafe(name) != name) errors.Add($"{path}.name", $"'{name}' is not usable as a file name; use letters, digits, '.', '-' or '_'.");
            list.Add(new TargetConfig(name, kind, metric, options, path));
        }
        return list;
    }

    private static List<BrainConfig> ReadBrain(JsonObjectReader root, string baseDir, ConfigErrors errors)
    {
        var list = new List<BrainConfig>();
        foreach (var (item, path) in root.Array("brain"))
        {
            var b = new JsonObjectReader(item, path, errors);
            if (!b.IsObject) continue;
            var name = b.String("name", required: true, expected: "a unique name for this data set");
            var loader = b.String("loader", required: true, expected: "a brain data loader id such as \"algonauts\" or \"nsd-betas\"");
            var rootPath = b.String("root", required: true, expected: "the data set's folder");
            var options = b.Options("options", baseDir);
            b.RejectUnknownKeys();
            if (name is null || loader is null || rootPath is null) continue;
            var full = Path.GetFullPath(rootPath, baseDir);
            if (!Directory.Exists(full)) errors.Add($"{path}.root", $"folder '{full}' does not exist.");
            if (list.Any(x => x.Name == name)) errors.Add($"{path}.name", $"brain data set name '{name}' is used twice; names must be unique.");
            list.Add(new BrainConfig(name, loader, full, options, path));
        }
        return list;
    }

    private List<AnalysisConfig> ReadAnalyses(JsonObjectReader root, ConfigContext context)
    {
        var list = new List<AnalysisConfig>();
        var items = root.Array("analyses", required: true);
        if (items.Count == 0 && root.Get("analyses") is not null)
            context.Errors.Add("$.analyses", "must contain at least one analysis; valid kinds: " + string.Join(", ", analysisKinds.Select(k => k.Kind)) + ".");
        foreach (var (item, path) in items)
        {
            var a = new JsonObjectReader(item, path, context.Errors);
            if (!a.IsObject) continue;
            var kind = a.String("kind", required: true, expected: "one of: " + string.Join(", ", analysisKinds.Select(k => k.Kind)));
            if (kind is null) continue;
            var analysis = analysisKinds.FirstOrDefault(k => k.Kind == kind);
            if (analysis is null)
            {
                context.Errors.Add($"{path}.kind", $"unknown analysis kind '{kind}'; valid kinds: {string.Join(", ", analysisKinds.Select(k => k.Kind))}.");
                continue;
            }
            var settings = analysis.ParseSettings(a, context);
            a.RejectUnknownKeys();
            list.Add(new AnalysisConfig(kind, path, settings));
        }
        return list;
    }
}
