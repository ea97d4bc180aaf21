using RepLens.Plugins.Brain.IO;

namespace RepLens.Plugins.Brain.Common;

/// <summary>Finds and reads the label mapping of a ROI family: the forms RepLens accepts and where it looks.</summary>
internal static class MappingFiles
{
    /// <summary>File names tried for family <paramref name="family"/>, in order.</summary>
    public static IEnumerable<string> Candidates(string family) =>
    [
        $"mapping_{family}.csv",
        $"mapping_{family}.json",
        $"mapping_{family}.npy",
        $"mapping_{family}.ctab",
        $"{family}.mgz.ctab",
        $"{family}.ctab",
    ];

    /// <summary>
    /// The mapping of <paramref name="family"/> from the first folder that has one, or <c>null</c>. When a
    /// folder holds it in several forms they must agree (a stale CSV beside the original pickle would
    /// otherwise silently win).
    /// </summary>
    public static RoiLabelMapping? Find(string family, IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) continue;
            RoiLabelMapping? first = null;
            foreach (var name in Candidates(family))
            {
                var path = Path.Combine(folder, name);
                if (!File.Exists(path)) continue;
                var m = RoiLabelMapping.Read(path);
                if (first is null) first = m;
                else if (!first.SameAs(m))
                    throw new InvalidDataException(
                        $"The ROI mappings {first.Source} and {m.Source} of family '{family}' disagree " +
                        $"({Describe(first)} vs {Describe(m)}); delete the stale one.");
            }
            if (first is not null) return first;
        }
        return null;
    }

    private static string Describe(RoiLabelMapping m) => ResponseCleaner.FirstFew(m.Names.Select(kv => $"{kv.Key}: {kv.Value}"), 6);
}
