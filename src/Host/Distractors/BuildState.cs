using System.Text.Json;
using System.Text.Json.Nodes;
using RepLens.Abstractions.IO;
using RepLens.Host.Cli;

namespace RepLens.Host.Distractors;

/// <summary>
/// <c>DIR/build.json</c>: what a distractor folder was built from (input content hashes, settings, the saliency
/// target's fingerprint). A rerun into the same folder resumes only when all of it is the same; otherwise it
/// stops rather than mixing two builds or discarding hours of work.
/// </summary>
internal static class BuildState
{
    public const string FileName = "build.json";
    public const string Format = "replens-distractors-1";

    /// <summary>
    /// Prepares <paramref name="dir"/>: creates it (fresh build), or checks that its <c>build.json</c> has the same
    /// <paramref name="identity"/> (resumed build). <paramref name="paths"/> are recorded but not compared (folders move).
    /// </summary>
    /// <returns>Whether an earlier build of the same inputs is being resumed.</returns>
    public static bool Prepare(string dir, IReadOnlyDictionary<string, string> identity, IReadOnlyDictionary<string, string> paths)
    {
        var file = Path.Combine(dir, FileName);
        if (File.Exists(file))
        {
            var old = Read(file);
            var differs = identity.Keys.Concat(old.Keys).Distinct(StringComparer.Ordinal)
                .Where(k => identity.GetValueOrDefault(k) != old.GetValueOrDefault(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (differs.Count > 0)
                throw new UserInputException(
                    $"--out: '{dir}' holds a distractor build of other inputs or settings (different: {string.Join(", ", differs.Select(k => $"{k} {Show(old, k)} → {Show(identity, k)}"))}). " +
                    "Choose another folder, or delete this one to start over; a build only resumes with the same inputs and settings.");
            return true;
        }
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new UserInputException($"--out: '{dir}' exists, is not empty and holds no {FileName}; give an empty or new folder for the distractor set.");
        Directory.CreateDirectory(dir);
        var json = new JsonObject
        {
            ["format"] = Format,
            ["identity"] = new JsonObject(identity.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["paths"] = new JsonObject(paths.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        AtomicFile.WriteAllText(file, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return false;
    }

    private static Dictionary<string, string> Read(string file)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
            if (root?["format"]?.GetValue<string>() != Format || root["identity"] is not JsonObject identity)
                throw new UserInputException($"--out: '{file}' is not a distractor build description of this version ({Format}); give another folder.");
            return identity.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"--out: '{file}' is not valid JSON ({e.Message}); delete the folder to start over.");
        }
    }

    private static string Show(IReadOnlyDictionary<string, string> d, string key)
    {
        var v = d.GetValueOrDefault(key);
        return v is null ? "(none)" : v.Length > 16 ? v[..12] + "…" : v;
    }
}
