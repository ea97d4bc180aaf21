using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Brain.Common;

/// <summary>
/// The optional <c>idMap</c> option: a CSV with columns <c>source</c> (the id the layout gives, e.g.
/// <c>nsd-00013</c>) and <c>id</c> (the id in the lab's stimulus table). Ids not in the map keep their
/// source id.
/// </summary>
internal sealed class StimulusIdMap
{
    private readonly Dictionary<string, string> _map;

    private StimulusIdMap(string source, Dictionary<string, string> map)
    {
        Source = source;
        _map = map;
    }

    public string Source { get; }

    public static StimulusIdMap Read(string path)
    {
        var csv = CsvTable.Read(path);
        int s = csv.RequireColumn("source", "the stimulus id the brain data set gives (e.g. nsd-00013)");
        int i = csv.RequireColumn("id", "the stimulus id to use instead (the id in your stimulus table)");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            var from = csv.Rows[r][s].Trim();
            var to = csv.Rows[r][i].Trim();
            if (from.Length == 0 || to.Length == 0) throw new InvalidDataException($"{path}, row {r + 2}: empty source or id.");
            if (!map.TryAdd(from, to)) throw new InvalidDataException($"{path}, row {r + 2}: source id '{from}' is mapped twice.");
            if (!targets.TryAdd(to, from))
                throw new InvalidDataException($"{path}, row {r + 2}: ids '{targets[to]}' and '{from}' are both mapped to '{to}'; the map must be one-to-one.");
        }
        return new StimulusIdMap(path, map);
    }

    public string Apply(string id) => _map.TryGetValue(id, out var to) ? to : id;
}
