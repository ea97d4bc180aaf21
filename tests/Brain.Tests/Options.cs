using System.Text.Json;
using RepLens.Abstractions;

namespace RepLens.Brain.Tests;

internal static class Options
{
    public static PluginOptions Of(string json, string? baseDirectory = null)
    {
        using var doc = JsonDocument.Parse(json.Replace('\'', '"'));
        return new PluginOptions(doc.RootElement.Clone(), "$.brain.options", baseDirectory ?? Environment.CurrentDirectory);
    }

    public static PluginOptions None => Of("{}");
}
