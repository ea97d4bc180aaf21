using RepLens.Abstractions;
using RepLens.Rsa;

namespace RepLens.Host.Configuration;

/// <summary>A validated run configuration; all paths absolute.</summary>
internal sealed record RunConfig
{
    public required string ConfigPath { get; init; }
    public required string BaseDirectory { get; init; }
    public string? Name { get; init; }
    public required string StimuliPath { get; init; }
    public required string OutputDirectory { get; init; }
    public string? CacheDirectory { get; init; }
    public int Seed { get; init; }
    public RsaDevice Device { get; init; }
    public RsaPrecision Precision { get; init; }
    public long MemoryBudgetBytes { get; init; }
    public BadImagePolicy OnBadImage { get; init; }
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.Default;
    public IReadOnlyList<string> PluginFolders { get; init; } = Array.Empty<string>();
    public IReadOnlyList<ModelConfig> Models { get; init; } = Array.Empty<ModelConfig>();
    public IReadOnlyList<TargetConfig> Targets { get; init; } = Array.Empty<TargetConfig>();
    public IReadOnlyList<BrainConfig> Brain { get; init; } = Array.Empty<BrainConfig>();
    public IReadOnlyList<AnalysisConfig> Analyses { get; init; } = Array.Empty<AnalysisConfig>();

    /// <summary>Where cached activations and RDMs live: the configured folder or <c>&lt;output&gt;/cache</c>.</summary>
    public string EffectiveCacheDirectory => CacheDirectory ?? System.IO.Path.Combine(OutputDirectory, "cache");
}
