using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>One entry of <c>models</c>: a built-in model, or a model file of an extractor family.</summary>
internal sealed record ModelConfig(
    string Name,
    string? Family,
    string? BuiltIn,
    string? ModelPath,
    IReadOnlyList<string> Layers,
    PluginOptions Options,
    string Path);
