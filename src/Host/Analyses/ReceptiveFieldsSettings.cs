using RepLens.Host.ReceptiveFields;

namespace RepLens.Host.Analyses;

/// <summary>Settings of a <c>receptive-fields</c> analysis: one model or two of the same architecture, and what to project back.</summary>
/// <param name="Models">The model, or the two models shown side by side.</param>
/// <param name="Options">Layers, units, position, constants, bias, figures.</param>
/// <param name="Path">The analysis's JSON path, for errors found at run time.</param>
internal sealed record ReceptiveFieldsSettings(IReadOnlyList<string> Models, ReceptiveFieldOptions Options, string Path);
