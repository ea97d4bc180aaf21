namespace RepLens.Abstractions;

/// <summary>What the host asks an extractor to open: a built-in model by name, or a model file.</summary>
/// <param name="Name">The name the user gave the model (used in outputs).</param>
/// <param name="BuiltIn">Name of a built-in model of this extractor (<see cref="IModelExtractor.BuiltInModels"/>), or <c>null</c>.</param>
/// <param name="ModelPath">Absolute path of the model file (e.g. an ONNX export), or <c>null</c> for a built-in model.</param>
/// <param name="Options">Extractor-specific options from the config.</param>
public sealed record ModelRequest(string Name, string? BuiltIn, string? ModelPath, PluginOptions Options);
