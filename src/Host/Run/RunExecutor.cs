using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Data;
using RepLens.Host.Plugins;

namespace RepLens.Host.Run;

/// <summary>
/// <c>replens run CONFIG</c>: validates everything that can be validated before computing (config,
/// plugins, stimuli, models, layers, targets — all errors at once), then runs the analyses, writing
/// the run folder. Activations and RDMs come from the content-addressed cache when present, so a
/// rerun or a resumed run recomputes nothing that is already on disk.
/// </summary>
internal sealed class RunExecutor(
    ExtensionDirectory extensions,
    ModelOpener modelOpener,
    PluginCatalog catalog,
    IReadOnlyList<IAnalysisKind> analysisKinds,
    MLContext ml,
    ILogger<RunExecutor> log)
{
    public void Execute(RunConfig config, CancellationToken ct)
    {
        using var inputs = Open(config);
        Execute(inputs, ct);
    }

    /// <summary>
    /// Reads the stimuli and opens every model, target and brain loader of <paramref name="config"/>,
    /// reporting all problems together; writes nothing. Shards and the merge of a sharded run start here too.
    /// </summary>
    public RunInputs Open(RunConfig config)
    {
        var table = StimulusTableReader.Read(config.StimuliPath);
        log.LogInformation("Stimuli: {Count} from {Path}", table.Count, config.StimuliPath);
        var checkedImages = StimulusImageCheck.Apply(table, config.OnBadImage, log);
        var stimuli = checkedImages.Kept;

        var errors = new ConfigErrors();
        var models = OpenModels(config, errors);
        var targets = OpenTargets(config, errors);
        foreach (var b in config.Brain)
        {
            try { extensions.BrainDataLoader(b.Loader, $"{b.Path}.loader"); }
            catch (ConfigurationErrorException e) { errors.Add(e); }
        }
        try
        {
            errors.ThrowIfAny(config.ConfigPath);
        }
        catch
        {
            foreach (var m in models) m.Model.Dispose();
            throw;
        }
        return new RunInputs(config, stimuli, checkedImages.Skipped, StimulusSetKey.Compute(stimuli), models, targets);
    }

    /// <summary>A context over the cache alone (no run folder is written): what shards work with.</summary>
    public RunContext CacheOnlyContext(RunInputs inputs, ArtifactCache cache, CancellationToken ct) =>
        new(inputs.Config, inputs.Stimuli, inputs.SetKey, inputs.Models, inputs.Targets, new RunOutput(inputs.Config.OutputDirectory),
            new RunManifest(), cache, ml, log, ct, OpenBrain);

    /// <summary>Runs the analyses of opened inputs and writes the run folder; <paramref name="sharding"/> describes the shards a merge assembled.</summary>
    public void Execute(RunInputs inputs, CancellationToken ct, RunManifest.ShardingInfo? sharding = null)
    {
        var clock = Stopwatch.StartNew();
        var (config, stimuli, skipped, setKey, models, targets) = (inputs.Config, inputs.Stimuli, inputs.Skipped, inputs.SetKey, inputs.Models, inputs.Targets);
        var output = new RunOutput(config.OutputDirectory);
        Directory.CreateDirectory(output.Root);
        var manifest = NewManifest(config, stimuli, setKey, models.ToList(), targets.ToList());
        manifest.Sharding = sharding;
        manifest.Stimuli = manifest.Stimuli! with { Skipped = skipped.Count, SkippedIds = skipped.Select(s => s.Id).ToList() };
        foreach (var (id, _, problem) in skipped) manifest.Warnings.Add($"stimulus {id} skipped: {problem}");
        AtomicFile.WriteAllText(output.Config, ResolvedConfig(config).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        CsvTable.Write(output.Stimuli, new[] { "index", "id", "path", "category" },
            stimuli.Select((s, i) => (IReadOnlyList<string>)new[] { i.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Id, s.ImagePath, s.Category ?? "" }));

        var cache = new ArtifactCache(config.EffectiveCacheDirectory, new CacheStatistics(), log);
        var abandoned = cache.RemoveAbandonedTemporaries() + ArtifactCache.RemoveAbandonedTemporaries(output.Root, skip: cache.Root);
        if (abandoned > 0) log.LogInformation("Removed {Count} partial files left by an interrupted run", abandoned);
        manifest.Cache.Folder = cache.Root;

        using var context = new RunContext(config, stimuli, setKey, models, targets, output, manifest, cache, ml, log, ct, OpenBrain);
        foreach (var analysis in config.Analyses)
        {
            ct.ThrowIfCancellationRequested();
            var kind = analysisKinds.Single(k => k.Kind == analysis.Kind);
            log.LogInformation("Analysis {Kind} ({Path})", analysis.Kind, analysis.Path);
            kind.Run(context, analysis.Settings);
        }

        var stats = cache.Statistics;
        manifest.Cache.ActivationHits = stats.ActivationHits;
        manifest.Cache.ActivationMisses = stats.ActivationMisses;
        manifest.Cache.RdmHits = stats.RdmHits;
        manifest.Cache.RdmMisses = stats.RdmMisses;
        manifest.Cache.TargetHits = stats.TargetHits;
        manifest.Cache.TargetMisses = stats.TargetMisses;
        manifest.Cache.Entries.AddRange(cache.Used);
        manifest.Finished = DateTime.UtcNow.ToString("O");
        manifest.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        manifest.Outputs.Add(output.Relative(output.Report));
        manifest.Outputs.Sort(StringComparer.Ordinal);
        manifest.Write(output.Manifest);
        Reports.RunReport.Write(output.Root);
        log.LogInformation("Done in {Seconds:0.0} s: {Folder} (cache: {AH} activation and {RH} RDM hits, {AM} and {RM} computed)",
            clock.Elapsed.TotalSeconds, output.Root, stats.ActivationHits, stats.RdmHits, stats.ActivationMisses, stats.RdmMisses);
    }

    private List<ModelSession> OpenModels(RunConfig config, ConfigErrors errors)
    {
        var sessions = new List<ModelSession>();
        foreach (var m in config.Models)
        {
            try
            {
                sessions.Add(modelOpener.Open(m, $"{m.Path}.family", m.BuiltIn is null ? $"{m.Path}.onnx" : $"{m.Path}.model", $"{m.Path}.layers"));
            }
            catch (ConfigurationErrorException e)
            {
                errors.Add(e);
            }
        }
        return sessions;
    }

    private IBrainDataset OpenBrain(BrainConfig b)
    {
        var loader = extensions.BrainDataLoader(b.Loader, $"{b.Path}.loader");
        try
        {
            return loader.Open(new BrainDataRequest(b.Name, b.Root, b.Options));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException && e is not ConfigurationErrorException)
        {
            throw new ConfigurationErrorException(b.Path, e.Message);
        }
    }

    private List<TargetSession> OpenTargets(RunConfig config, ConfigErrors errors)
    {
        var sessions = new List<TargetSession>();
        foreach (var t in config.Targets)
        {
            try
            {
                var target = extensions.Target(t.Kind, $"{t.Path}.kind");
                var configured = target.Open(new TargetRequest(t.Name, t.Options) { CacheDirectory = PluginCacheDirectory(config, t.Kind) });
                sessions.Add(new TargetSession(t, configured, t.Metric ?? target.DefaultMetric));
            }
            catch (ConfigurationErrorException e)
            {
                errors.Add(e);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException)
            {
                errors.Add(t.Path, e.Message);
            }
        }
        return sessions;
    }

    /// <summary>The folder a target kind may keep its own cache in (e.g. per-caption embeddings): inside the run's cache.</summary>
    public static string PluginCacheDirectory(RunConfig config, string kind) => Path.Combine(config.EffectiveCacheDirectory, "plugins", kind);

    private RunManifest NewManifest(RunConfig config, StimulusTable stimuli, string setKey, List<ModelSession> models, List<TargetSession> targets)
    {
        var manifest = new RunManifest
        {
            Name = config.Name,
            Seed = config.Seed,
            Device = EnumNames.Name(config.Device),
            Precision = EnumNames.Name(config.Precision),
            MemoryBudgetBytes = config.MemoryBudgetBytes,
            ConfigSha256 = ContentHash.OfFile(config.ConfigPath),
            Stimuli = new RunManifest.StimuliInfo(config.StimuliPath, stimuli.Count, setKey, 0, Array.Empty<string>()),
        };
        foreach (var m in models)
        {
            manifest.Models.Add(new RunManifest.ModelInfo(m.Name, m.Family, m.Config.BuiltIn, m.Config.ModelPath,
                m.Config.ModelPath is null ? null : ContentHash.OfFile(m.Config.ModelPath), m.Model.Fingerprint,
                m.Model.Preprocessing.ToString(), m.Layers.Select(l => l.Name).ToList()));
        }
        foreach (var t in targets)
            manifest.Targets.Add(new RunManifest.TargetInfo(t.Name, t.Config.Kind, t.Target.Fingerprint, EnumNames.Name(t.Metric),
                t.Target is ITextEmbeddingTarget text ? text.EncoderDescription : extensions.Target(t.Config.Kind, $"{t.Config.Path}.kind").Description));
        foreach (var p in catalog.Loaded)
            manifest.Plugins.Add(new RunManifest.PluginInfo(p.Name, p.Version, p.ContractVersion.ToString(3), p.Sha256, p.Folder));
        return manifest;
    }

    /// <summary>The config as run: absolute paths and every default made explicit.</summary>
    private static JsonObject ResolvedConfig(RunConfig c)
    {
        static JsonNode? Options(PluginOptions o) =>
            new JsonObject(o.Keys.Select(k => KeyValuePair.Create(k, o.GetRaw(k) is { } v ? JsonNode.Parse(v.GetRawText()) : null)));
        return new JsonObject
        {
            ["name"] = c.Name,
            ["stimuli"] = c.StimuliPath,
            ["output"] = c.OutputDirectory,
            ["cache"] = c.EffectiveCacheDirectory,
            ["seed"] = c.Seed,
            ["device"] = EnumNames.Name(c.Device),
            ["precision"] = EnumNames.Name(c.Precision),
            ["memory"] = c.MemoryBudgetBytes,
            ["onBadImage"] = EnumNames.Name(c.OnBadImage),
            ["gpuDeviceId"] = c.Extraction.GpuDeviceId,
            ["fallbackToCpu"] = c.Extraction.FallbackToCpu,
            ["optimizeGraph"] = c.Extraction.OptimizeGraph,
            ["plugins"] = new JsonArray(c.PluginFolders.Select(p => (JsonNode?)p).ToArray()),
            ["models"] = new JsonArray(c.Models.Select(m => (JsonNode?)new JsonObject
            {
                ["name"] = m.Name, ["family"] = m.Family, ["model"] = m.BuiltIn, ["onnx"] = m.ModelPath,
                ["layers"] = new JsonArray(m.Layers.Select(l => (JsonNode?)l).ToArray()), ["options"] = Options(m.Options),
            }).ToArray()),
            ["targets"] = new JsonArray(c.Targets.Select(t => (JsonNode?)new JsonObject
            {
                ["name"] = t.Name, ["kind"] = t.Kind, ["metric"] = t.Metric is { } mt ? EnumNames.Name(mt) : null, ["options"] = Options(t.Options),
            }).ToArray()),
            ["analyses"] = new JsonArray(c.Analyses.Select(a => (JsonNode?)new JsonObject { ["kind"] = a.Kind, ["settings"] = Settings(a.Settings) }).ToArray()),
        };
    }

    /// <summary>An analysis's settings as JSON, the shared comparison-and-test keys at the same level as the others (as in the config).</summary>
    private static JsonObject Settings(object settings)
    {
        var node = JsonSerializer.SerializeToNode(settings, settings.GetType(), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!.AsObject();
        if (node["inference"] is JsonObject inference)
        {
            node.Remove("inference");
            foreach (var (key, value) in inference.ToList())
            {
                inference.Remove(key);
                node[key] = value;
            }
        }
        return node;
    }
}
