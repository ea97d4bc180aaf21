using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Imaging;

namespace RepLens.Host.Data;

/// <summary>
/// Decodes every stimulus image once before any compute. Under <see cref="BadImagePolicy.Stop"/> an
/// undecodable image stops the run with all of them listed; under <see cref="BadImagePolicy.Skip"/>
/// they are left out, logged, and counted in the run summary.
/// </summary>
internal static class StimulusImageCheck
{
    public sealed record Outcome(StimulusTable Kept, IReadOnlyList<(string Id, string Path, string Problem)> Skipped);

    /// <param name="stimuli">The stimuli whose images are checked.</param>
    /// <param name="policy">Stop at, or skip, undecodable images.</param>
    /// <param name="log">Where skipped images are logged.</param>
    /// <param name="minimumKept">Fewest stimuli that may be left after skipping (2: an RDM; 0 for per-image work such as maps).</param>
    public static Outcome Apply(StimulusTable stimuli, BadImagePolicy policy, ILogger log, int minimumKept = 2)
    {
        var problems = ImageValidator.FindProblems(stimuli.Select(s => s.ImagePath).ToList());
        if (problems.Count == 0) return new Outcome(stimuli, Array.Empty<(string, string, string)>());
        var listed = problems.Select(p => (stimuli[p.Index].Id, p.Path, p.Message)).ToList();
        if (policy == BadImagePolicy.Stop)
            throw new InvalidDataException(
                $"{problems.Count} stimulus image{(problems.Count == 1 ? "" : "s")} cannot be decoded (set \"onBadImage\": \"skip\" to leave them out):" + Environment.NewLine +
                string.Join(Environment.NewLine, listed.Take(20).Select(p => $"  {p.Id}: {p.Message}")) +
                (listed.Count > 20 ? $"{Environment.NewLine}  … and {listed.Count - 20} more" : ""));
        foreach (var p in listed) log.LogWarning("Skipping stimulus {Id}: {Problem}", p.Id, p.Message);
        var bad = problems.Select(p => p.Index).ToHashSet();
        var kept = new StimulusTable(stimuli.Where((_, i) => !bad.Contains(i)), stimuli.Source);
        if (kept.Count < minimumKept) throw new InvalidDataException($"{stimuli.Source}: after skipping {bad.Count} undecodable images, {kept.Count} stimuli are left; an RDM needs at least 2.");
        return new Outcome(kept, listed);
    }
}
