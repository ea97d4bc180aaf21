using System.Text;
using System.Text.RegularExpressions;
using RepLens.Abstractions;

namespace RepLens.Onnx.Layers;

/// <summary>
/// Resolves layer selectors against a model's layers. A selector is <c>all</c>; an exact name, readable
/// (<c>layer1.0.relu</c>) or the network's own value name (<c>/layer1/layer1.0/relu/Relu_output_0</c>);
/// a glob over either name (<c>*</c> any run of characters, <c>?</c> one character:
/// <c>layer*.relu</c>); an op-type filter (<c>op:Relu</c>, case-insensitive); or a kind filter
/// (<c>kind:activation</c>, see <see cref="LayerKind"/>).
/// </summary>
public static class LayerSelector
{
    /// <summary>
    /// The layers matched by any of <paramref name="selectors"/>, in topological order, each once.
    /// Selectors that match nothing are reported together in one <see cref="ArgumentException"/>, each
    /// with the nearest layer names (edit distance).
    /// </summary>
    /// <param name="layers">The model's layers, in topological order.</param>
    /// <param name="selectors">The selectors.</param>
    /// <param name="modelName">The model's name, for messages.</param>
    public static IReadOnlyList<LayerDescription> Select(IReadOnlyList<LayerDescription> layers, IReadOnlyList<string> selectors, string modelName)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0 || selectors.All(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"Model '{modelName}': no layers asked for; give names, globs (layer*.relu), op:Relu or all.", nameof(selectors));

        var chosen = new HashSet<LayerDescription>(ReferenceEqualityComparer.Instance);
        var problems = new List<string>();
        foreach (var raw in selectors)
        {
            var selector = raw.Trim();
            if (selector.Length == 0) continue;
            var matched = Match(layers, selector, out var problem);
            if (problem is not null) problems.Add(problem);
            else foreach (var layer in matched) chosen.Add(layer);
        }
        if (problems.Count > 0)
            throw new ArgumentException($"Model '{modelName}': " + string.Join(Environment.NewLine, problems), nameof(selectors));
        return layers.Where(chosen.Contains).ToList();
    }

    /// <summary>Whether <paramref name="layer"/> is matched by <paramref name="selector"/>.</summary>
    /// <param name="layer">A layer.</param>
    /// <param name="selector">A selector (see <see cref="LayerSelector"/>).</param>
    public static bool Matches(LayerDescription layer, string selector)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(selector);
        selector = selector.Trim();
        if (selector.Equals("all", StringComparison.OrdinalIgnoreCase)) return true;
        if (selector.StartsWith("op:", StringComparison.OrdinalIgnoreCase))
            return layer.OpType.Equals(selector[3..].Trim(), StringComparison.OrdinalIgnoreCase);
        if (selector.StartsWith("kind:", StringComparison.OrdinalIgnoreCase))
            return EnumNames.TryParse<LayerKind>(selector[5..], out var kind) && layer.Kind == kind;
        if (IsGlob(selector))
        {
            var regex = GlobRegex(selector);
            return regex.IsMatch(layer.Name) || regex.IsMatch(layer.NetworkName);
        }
        return layer.Name == selector || layer.NetworkName == selector;
    }

    private static IEnumerable<LayerDescription> Match(IReadOnlyList<LayerDescription> layers, string selector, out string? problem)
    {
        problem = null;
        if (selector.Equals("all", StringComparison.OrdinalIgnoreCase)) return layers;

        if (selector.StartsWith("op:", StringComparison.OrdinalIgnoreCase))
        {
            var op = selector[3..].Trim();
            var found = layers.Where(l => l.OpType.Equals(op, StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count == 0)
                problem = $"'{selector}' matches no layer; the op types present are: {string.Join(", ", layers.Select(l => l.OpType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}.";
            return found;
        }

        if (selector.StartsWith("kind:", StringComparison.OrdinalIgnoreCase))
        {
            if (!EnumNames.TryParse<LayerKind>(selector[5..], out var kind))
            {
                problem = $"'{selector}': unknown layer kind; valid kinds are: {string.Join(", ", EnumNames.ValidNames<LayerKind>())}.";
                return Array.Empty<LayerDescription>();
            }
            var found = layers.Where(l => l.Kind == kind).ToList();
            if (found.Count == 0)
                problem = $"'{selector}' matches no layer; the kinds present are: {string.Join(", ", layers.Select(l => EnumNames.Name(l.Kind)).Distinct(StringComparer.Ordinal))}.";
            return found;
        }

        if (IsGlob(selector))
        {
            var regex = GlobRegex(selector);
            var found = layers.Where(l => regex.IsMatch(l.Name) || regex.IsMatch(l.NetworkName)).ToList();
            if (found.Count == 0) problem = $"pattern '{selector}' matches no layer; nearest names: {Nearest(layers, selector.Replace("*", "").Replace("?", ""))}.";
            return found;
        }

        var exact = layers.Where(l => l.Name == selector || l.NetworkName == selector).ToList();
        if (exact.Count > 0) return exact;
        var folded = layers.Where(l => l.Name.Equals(selector, StringComparison.OrdinalIgnoreCase)).ToList();
        if (folded.Count == 1) return folded;
        problem = $"no layer named '{selector}'; nearest names: {Nearest(layers, selector)}.";
        return Array.Empty<LayerDescription>();
    }

    private static bool IsGlob(string selector) => selector.IndexOfAny(new[] { '*', '?' }) >= 0;

    private static Regex GlobRegex(string glob)
    {
        var sb = new StringBuilder("^");
        foreach (var c in glob)
        {
            sb.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>The five layer names closest to <paramref name="text"/> by edit distance, quoted and comma-separated.</summary>
    internal static string Nearest(IReadOnlyList<LayerDescription> layers, string text, int count = 5) =>
        string.Join(", ", layers
            .Select((l, i) => (l.Name, Distance: EditDistance.Levenshtein(text, l.Name), i))
            .OrderBy(x => x.Distance).ThenBy(x => x.i)
            .Take(count)
            .Select(x => $"'{x.Name}'"));
}
