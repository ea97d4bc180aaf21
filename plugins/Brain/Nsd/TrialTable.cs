using System.Globalization;
using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>
/// The trial → image table of NSD-style betas: CSV columns <c>session</c>, <c>trial</c> (row of that
/// session's betas file, counted from <c>firstTrial</c>), <c>stimulus</c> (the stimulus id) and, when one
/// table holds several subjects, <c>subject</c>.
/// </summary>
internal sealed class TrialTable
{
    private TrialTable(string source, IReadOnlyList<Trial> trials)
    {
        Source = source;
        Trials = trials;
    }

    public string Source { get; }

    public IReadOnlyList<Trial> Trials { get; }

    /// <summary>One trial; <c>Line</c> is its line in the CSV, for messages.</summary>
    public sealed record Trial(string? Subject, int Session, int Index, string Stimulus, int Line);

    public bool HasSubjects => Trials.Count > 0 && Trials[0].Subject is not null;

    public static TrialTable Read(string path)
    {
        var csv = CsvTable.Read(path);
        int session = csv.RequireColumn("session", "the session number of each trial (the betas file it is in)");
        int trial = csv.RequireColumn("trial", "the trial's row in its session's betas file");
        int stimulus = csv.RequireColumn("stimulus", "the stimulus id shown on each trial");
        int subject = csv.ColumnIndex("subject");
        var trials = new List<Trial>(csv.Rows.Count);
        var seen = new Dictionary<(string?, int, int), int>();
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            var row = csv.Rows[r];
            int line = r + 2;
            var sub = subject >= 0 ? row[subject].Trim() : null;
            if (sub is { Length: 0 }) throw new InvalidDataException($"{path}, line {line}: empty subject.");
            int s = Int(path, line, "session", row[session]);
            int t = Int(path, line, "trial", row[trial]);
            var stim = row[stimulus].Trim();
            if (stim.Length == 0) throw new InvalidDataException($"{path}, line {line}: empty stimulus id.");
            if (!seen.TryAdd((sub, s, t), line))
                throw new InvalidDataException($"{path}, line {line}: {(sub is null ? "" : sub + ", ")}session {s}, trial {t} is already listed on line {seen[(sub, s, t)]}.");
            trials.Add(new Trial(sub, s, t, stim, line));
        }
        if (trials.Count == 0) throw new InvalidDataException($"{path}: the trial table has a header but no trials.");
        return new TrialTable(path, trials);
    }

    private static int Int(string path, int line, string column, string text)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new InvalidDataException($"{path}, line {line}: {column} '{text}' is not an integer.");
        return v;
    }
}
