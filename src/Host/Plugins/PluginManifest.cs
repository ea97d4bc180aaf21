using System.Text.Json;
using System.Text.Json.Serialization;

namespace RepLens.Host.Plugins;

/// <summary>The optional <c>plugin.json</c> beside a plugin assembly.</summary>
internal sealed record PluginManifest
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("contractVersion")] public string? ContractVersion { get; init; }
    [JsonPropertyName("assembly")] public string? Assembly { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("citation")] public string? Citation { get; init; }

    public const string FileName = "plugin.json";

    public static PluginManifest? TryRead(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(path),
                new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? throw new InvalidDataException($"{path}: empty manifest.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid plugin manifest ({e.Message}).", e);
        }
    }
}
