namespace RepLens.Host.Configuration;

/// <summary>One entry of <c>analyses</c>, with its kind-specific settings already validated.</summary>
internal sealed record AnalysisConfig(string Kind, string Path, object Settings);
