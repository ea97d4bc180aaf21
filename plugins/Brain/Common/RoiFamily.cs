using RepLens.Plugins.Brain.IO;

namespace RepLens.Plugins.Brain.Common;

/// <summary>
/// One family of ROIs for one subject (e.g. <c>floc-faces</c>): its label → name mapping (or none, for a
/// binary mask named after the family) and its mask files per hemisphere (<c>lh</c>, <c>rh</c>) and/or for
/// both hemispheres (key <c>""</c>).
/// </summary>
internal sealed class RoiFamily(string name, RoiLabelMapping? mapping, IReadOnlyDictionary<string, string> masks)
{
    public const string Bilateral = "";

    public string Name { get; } = name;

    public RoiLabelMapping? Mapping { get; } = mapping;

    public IReadOnlyDictionary<string, string> Masks { get; } = masks;

    /// <summary>ROI names in label order.</summary>
    public IEnumerable<string> RoiNames => Mapping is null ? [Name] : Mapping.Names.Values;

    /// <summary>Whether this family has ROI <paramref name="roi"/>; <paramref name="label"/> is null for a binary family.</summary>
    public bool TryResolve(string roi, out int? label)
    {
        label = null;
        if (Mapping is null) return roi == Name;
        label = Mapping.LabelOf(roi);
        return label is not null;
    }

    public static string HemisphereKey(RepLens.Abstractions.Hemisphere h) => h == RepLens.Abstractions.Hemisphere.Left ? "lh" : "rh";
}
