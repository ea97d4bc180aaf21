using System.Text.Json;
using System.Text.Json.Serialization;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Distractors;

/// <summary>
/// Everything a target's build produced: every scored edit (those kept carry their condition) and the
/// conditions it did not get. One JSON file per target under <c>DIR/progress/</c>, written atomically after the
/// target's images: its presence means the target is done, which is how an interrupted build resumes.
/// </summary>
internal sealed record TargetRecord(string TargetId, IReadOnlyList<ScoredEdit> Edits, IReadOnlyList<DroppedCondition> Dropped)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>Whether the target got all four conditions.</summary>
    public bool Kept => Dropped.Count == 0;

    /// <summary>The edit kept for <paramref name="condition"/>.</summary>
    public ScoredEdit Accepted(DistractorCondition condition)
    {
        var name = DistractorConditions.Name(condition);
        return Edits.First(e => e.AcceptedAs == name);
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a record; null when the file is missing, unreadable or not for <paramref name="targetId"/> (then the target is rebuilt).</summary>
    public static TargetRecord? TryRead(string path, string targetId)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var r = JsonSerializer.Deserialize<TargetRecord>(File.ReadAllText(path), Json);
            if (r is null || r.TargetId != targetId || r.Edits is null || r.Dropped is null) return null;
            if (r.Kept && DistractorConditions.All.Any(c => r.Edits.Count(e => e.AcceptedAs == DistractorConditions.Name(c)) != 1)) return null;
            return r;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            return null;
        }
    }
}
