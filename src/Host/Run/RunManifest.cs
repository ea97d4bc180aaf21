using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Run;

/// <summary>
/// What a run was made of, written to <c>manifest.json</c>: versions, plugins and their hashes, the
/// seed, input hashes, cache hits and misses, outputs — what a methods section or a reviewer needs.
/// </summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class RunManifest
{
    public string Tool { get; init; } = "RepLens";
    public string Version { get; init; } = ToolVersion;
    public string ContractVersion { get; init; } = RepLensContract.Version.ToString(3);
    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;
    public string Os { get; init; } = RuntimeInformation.OSDescription;
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;
    public Dictionary<string, string> Libraries { get; init; } = LibraryVersions();
    public string? Name { get; set; }
    public string Started { get; set; } = DateTime.UtcNow.ToString("O");
    public string? Finished { get; set; }
    public double? Seconds { get; set; }
    public int Seed { get; set; }
    public string? Device { get; set; }
    public string? Precision { get; set; }
    public long MemoryBudgetBytes { get; set; }
    public string? ConfigSha256 { get; set; }
    public StimuliInfo? Stimuli { get; set; }
    public List<ModelInfo> Models { get; } = new();
    public List<TargetInfo> Targets { get; } = new();
    public List<PluginInfo> Plugins { get; } = new();
    public List<AnalysisInfo> Analyses { get; } = new();
    public CacheInfo Cache { get; } = new();
    /// <summary>For the merge of a sharded run: the plan and what each shard did; absent for a run in one process.</summary>
    public ShardingInfo? Sharding { get; set; }
    public List<string> Warnings { get; } = new();
    public List<string> Outputs { get; } = new();

    public sealed record StimuliInfo(string Path, int Count, string SetKey, int Skipped, IReadOnlyList<string> SkippedIds);
    public sealed record ModelInfo(string Name, string Family, string? BuiltIn, string? File, string? FileSha256, string Fingerprint, string Preprocessing, IReadOnlyList<string> Layers);
    /// <summary>A target of the run; <paramref name="Description"/> says what it measures (for caption targets: the encoder, and that it is not the seed paper's).</summary>
    public sealed record TargetInfo(string Name, string Kind, string Fingerprint, string Metric, string? Description = null);
    public sealed record PluginInfo(string Name, string Version, string ContractVersion, string Sha256, string Folder);
    /// <summary>One analysis of the run: the question it answers, its statistics, the files it wrote and the papers behind its methods.</summary>
    public sealed record AnalysisInfo(string Kind, string Question, IReadOnlyDictionary<string, string> Statistics,
        IReadOnlyList<string>? Outputs = null, IReadOnlyList<string>? References = null);

    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public sealed class CacheInfo
    {
        public string? Folder { get; set; }
        public int ActivationHits { get; set; }
        public int ActivationMisses { get; set; }
        public int RdmHits { get; set; }
        public int RdmMisses { get; set; }
        public int TargetHits { get; set; }
        public int TargetMisses { get; set; }
        /// <summary>The entries the run used, as <c>kind/key</c> (what <c>replens cache prune --keep</c> keeps).</summary>
        public List<string> Entries { get; } = new();
    }

    /// <summary>How a merged run was split: the plan, the activations assembled from row blocks, and each shard's host and time.</summary>
    public sealed record ShardingInfo(int Shards, string PlanHash, int? SplitStimuli, int Units, int AssembledActivations,
        IReadOnlyList<ShardRun> Runs);

    /// <summary>One shard of a merged run, from its marker.</summary>
    public sealed record ShardRun(int Shard, string Host, string Finished, double Seconds, int Units);

    public static string ToolVersion =>
        typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static RunManifest Read(string path) =>
        JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path}: empty manifest.");

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static Dictionary<string, string> LibraryVersions()
    {
        var result = new Dictionary<string, string>();
        foreach (var name in new[] { "TorchSharp", "Microsoft.ML.Core", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxTransformer", "McMaster.NETCore.Plugins", "OxyPlot" })
        {
            try
            {
                var a = Assembly.Load(name);
                result[name] = a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                               ?? a.GetName().Version?.ToString() ?? "?";
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
            }
        }
        return result;
    }
}
