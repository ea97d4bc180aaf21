using System.Globalization;
using System.Text.RegularExpressions;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>
/// A file path with placeholders: <c>{subject}</c>, <c>{hemi}</c> (<c>lh</c>/<c>rh</c>) and
/// <c>{session}</c>, which takes a .NET number format: <c>{session:00}</c> → <c>01</c>.
/// </summary>
internal sealed partial class PathPattern
{
    private PathPattern(string text, string optionPath)
    {
        Text = text;
        foreach (Match m in Placeholder().Matches(text))
        {
            var name = m.Groups[1].Value;
            if (name is not ("subject" or "session" or "hemi"))
                throw new RepLens.Abstractions.ConfigurationErrorException(optionPath,
                    $"unknown placeholder {{{name}}} in '{text}'; use {{subject}}, {{session}} (e.g. {{session:00}}) or {{hemi}}.");
        }
    }

    public string Text { get; }

    public bool Has(string name) => Placeholder().Matches(Text).Any(m => m.Groups[1].Value == name);

    public static PathPattern Parse(string text, string optionPath) => new(text, optionPath);

    public string Format(string root, string? subject = null, int? session = null, string? hemi = null)
    {
        var s = Placeholder().Replace(Text, m =>
        {
            var format = m.Groups[2].Success ? m.Groups[2].Value : null;
            return m.Groups[1].Value switch
            {
                "subject" => subject ?? throw new InvalidOperationException($"'{Text}' needs a subject."),
                "hemi" => hemi ?? throw new InvalidOperationException($"'{Text}' needs a hemisphere."),
                _ => (session ?? throw new InvalidOperationException($"'{Text}' needs a session.")).ToString(format, CultureInfo.InvariantCulture),
            };
        });
        return Path.GetFullPath(s, root);
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)(?::([^}]*))?\}")]
    private static partial Regex Placeholder();
}
