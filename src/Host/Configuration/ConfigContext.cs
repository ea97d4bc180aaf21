namespace RepLens.Host.Configuration;

/// <summary>What analysis settings may refer to while a config is being read.</summary>
internal sealed record ConfigContext(
    IReadOnlyList<string> ModelNames,
    IReadOnlyList<string> TargetNames,
    ConfigErrors Errors)
{
    /// <summary>Names of the brain data sets in <c>$.brain</c>.</summary>
    public IReadOnlyList<string> BrainNames { get; init; } = Array.Empty<string>();

    /// <summary>The config file's folder: relative paths in analysis settings are read from it.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>
    /// Resolves a list of model (or target) names; an empty list means all of them. Unknown names
    /// are recorded with suggestions.
    /// </summary>
    public IReadOnlyList<string> Resolve(IReadOnlyList<string> names, IReadOnlyList<string> known, string path, string what)
    {
        if (names.Count == 0) return known;
        var result = new List<string>();
        for (int i = 0; i < names.Count; i++)
        {
            if (known.Contains(names[i], StringComparer.Ordinal)) result.Add(names[i]);
            else Errors.Add($"{path}[{i}]", $"no {what} named '{names[i]}' in this config." +
                (known.Count == 0 ? $" The config defines no {what}s." : RepLens.Abstractions.NameSuggestions.DidYouMean(names[i], known, 3)));
        }
        return result;
    }
}
