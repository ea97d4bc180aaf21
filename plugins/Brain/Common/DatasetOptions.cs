using RepLens.Abstractions;

namespace RepLens.Plugins.Brain.Common;

/// <summary>Options both loaders understand, read and checked once.</summary>
internal sealed class DatasetOptions
{
    public const string Subjects = "subjects";
    public const string Families = "families";
    public const string IdMap = "idMap";
    public const string Stimuli = "stimuli";
    public const string NonFinite = "nonFinite";

    /// <summary>The ROI families of Algonauts 2023 / NSD, in the order ROIs are listed.</summary>
    public static readonly string[] StandardFamilies =
        ["prf-visualrois", "floc-bodies", "floc-faces", "floc-places", "floc-words", "streams"];

    private DatasetOptions(PluginOptions options)
    {
        SubjectIds = options.GetStringList(Subjects);
        FamilyNames = options.GetStringList(Families);
        var map = options.GetPath(IdMap);
        if (map is not null)
        {
            if (!File.Exists(map)) throw new ConfigurationErrorException($"{options.Path}.{IdMap}", $"the file '{map}' does not exist (a CSV with columns source,id).");
            IdMapping = StimulusIdMap.Read(map);
        }
        var sel = options.GetPath(Stimuli);
        if (sel is not null)
        {
            if (!File.Exists(sel) && !Directory.Exists(sel))
                throw new ConfigurationErrorException($"{options.Path}.{Stimuli}", $"'{sel}' does not exist (a stimulus table CSV or a folder of images).");
            Selection = StimulusSelection.Read(sel);
            SelectionSource = sel;
        }
        var nonFinite = options.GetString(NonFinite, "drop")!;
        DropNonFinite = nonFinite switch
        {
            "drop" => true,
            "error" => false,
            _ => throw new ConfigurationErrorException($"{options.Path}.{NonFinite}", $"'{nonFinite}' is not a valid value; expected one of: drop, error."),
        };
        Path = options.Path;
    }

    public string Path { get; }

    public IReadOnlyList<string> SubjectIds { get; }

    public IReadOnlyList<string> FamilyNames { get; }

    public StimulusIdMap? IdMapping { get; }

    public HashSet<string>? Selection { get; }

    public string? SelectionSource { get; }

    public bool DropNonFinite { get; }

    public static DatasetOptions Read(PluginOptions options) => new(options);

    /// <summary>The subjects to use: the option's list (each must exist) or all found, in order.</summary>
    public IReadOnlyList<string> ChooseSubjects(IReadOnlyList<string> found, string root, string what)
    {
        if (SubjectIds.Count == 0)
        {
            if (found.Count == 0) throw new InvalidDataException($"{root}: no subject found ({what}).");
            return found;
        }
        var missing = SubjectIds.Where(s => !found.Contains(s)).ToList();
        if (missing.Count > 0)
            throw new ConfigurationErrorException($"{Path}.{Subjects}",
                $"no subject {string.Join(", ", missing.Select(m => $"'{m}'"))} in {root} ({what}); found: {(found.Count == 0 ? "none" : string.Join(", ", found))}.");
        var dup = SubjectIds.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ConfigurationErrorException($"{Path}.{Subjects}", $"subject '{dup.Key}' is listed twice.");
        return SubjectIds;
    }

    /// <summary>The families to use, in order: the option's list (each must exist somewhere) or all found, standard ones first.</summary>
    public IReadOnlyList<string> ChooseFamilies(ICollection<string> found, string root)
    {
        if (FamilyNames.Count == 0)
        {
            return StandardFamilies.Where(found.Contains)
                .Concat(found.Where(f => !StandardFamilies.Contains(f)).OrderBy(f => f, StringComparer.Ordinal))
                .ToList();
        }
        var missing = FamilyNames.Where(f => !found.Contains(f)).ToList();
        if (missing.Count > 0)
            throw new ConfigurationErrorException($"{Path}.{Families}",
                $"no ROI masks of family {string.Join(", ", missing.Select(m => $"'{m}'"))} for any subject in {root}; found: {(found.Count == 0 ? "none" : string.Join(", ", found.Order(StringComparer.Ordinal)))}.");
        return FamilyNames.Distinct().ToList();
    }
}
