namespace RepLens.Abstractions;

/// <summary>
/// "Did you mean …?" for unknown names (layers, config keys, plugin ids): the candidates nearest to a
/// name by case-insensitive Levenshtein distance, with substring matches ranked first.
/// </summary>
public static class NameSuggestions
{
    /// <summary>The <paramref name="count"/> candidates nearest to <paramref name="name"/>, best first.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">Valid names.</param>
    /// <param name="count">How many to return at most.</param>
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var lower = name.ToLowerInvariant();
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (c, score: Score(lower, c.ToLowerInvariant())))
            .OrderBy(x => x.score)
            .ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.c)
            .ToArray();
    }

    /// <summary>" Did you mean: a, b, c?" or an empty string when there are no candidates.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">Valid names.</param>
    /// <param name="count">How many to list at most.</param>
    public static string DidYouMean(string name, IEnumerable<string> candidates, int count = 5)
    {
        var near = Nearest(name, candidates, count);
        return near.Count == 0 ? "" : $" Did you mean: {string.Join(", ", near)}?";
    }

    /// <summary>Levenshtein edit distance between two strings.</summary>
    /// <param name="a">First string.</param>
    /// <param name="b">Second string.</param>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static double Score(string name, string candidate)
    {
        double d = Distance(name, candidate);
        if (candidate.Contains(name, StringComparison.Ordinal) || name.Contains(candidate, StringComparison.Ordinal)) d -= 1000;
        return d;
    }
}
