namespace RepLens.Plugins.Brain.Common;

/// <summary>
/// The ROI names of a data set across subjects, each tied to one family: names are listed family by
/// family, in label order; a name found in two families is an error (a request for it would be ambiguous).
/// </summary>
internal sealed class RoiCatalog
{
    private readonly Dictionary<string, string> _familyOf = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public RoiCatalog(IReadOnlyList<string> families, IEnumerable<(string Subject, IReadOnlyDictionary<string, RoiFamily> Families)> subjects)
    {
        var perSubject = subjects.ToList();
        foreach (var family in families)
        {
            var sources = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (subject, fams) in perSubject)
            {
                if (!fams.TryGetValue(family, out var f)) continue;
                foreach (var name in f.RoiNames)
                {
                    if (_familyOf.TryGetValue(name, out var other) && other != family)
                        throw new InvalidDataException(
                            $"ROI '{name}' is in two families, '{other}' and '{family}' ({subject}: {f.Mapping?.Source ?? string.Join(", ", f.Masks.Values)}); " +
                            "choose the families to use with options.families.");
                    if (_familyOf.TryAdd(name, family)) _names.Add(name);
                }
            }
        }
    }

    public IReadOnlyList<string> Names => _names;

    public string FamilyOf(string roi)
    {
        if (_familyOf.TryGetValue(roi, out var f)) return f;
        var near = _names.Where(n => n.Contains(roi, StringComparison.OrdinalIgnoreCase) || roi.Contains(n, StringComparison.OrdinalIgnoreCase)).ToList();
        var match = _names.FirstOrDefault(n => string.Equals(n, roi, StringComparison.OrdinalIgnoreCase));
        string hint = match is not null ? $" Did you mean '{match}' (names are case-sensitive)?" : near.Count > 0 ? $" Similar: {string.Join(", ", near)}." : "";
        throw new ArgumentException($"No ROI '{roi}' in this data set.{hint} ROIs: {string.Join(", ", _names)}.", nameof(roi));
    }
}
