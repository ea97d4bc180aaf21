namespace RepLens.Abstractions;

/// <summary>One stimulus of a stimulus table.</summary>
/// <param name="Id">Unique id (a file stem, a COCO/NSD id, …); the key every table, RDM and response matrix uses.</param>
/// <param name="ImagePath">Absolute path of the image file.</param>
/// <param name="Category">Category label, or <c>null</c> when the table has none.</param>
/// <param name="Captions">Captions describing the image (possibly empty).</param>
public sealed record Stimulus(string Id, string ImagePath, string? Category, IReadOnlyList<string> Captions);
