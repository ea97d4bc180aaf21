using System.Globalization;
using System.Text.Json;

namespace RepLens.Abstractions;

/// <summary>
/// The free-form <c>"options"</c> object of a model, target or brain-data entry in a config, with its
/// JSON path so that every error names where it is. Plugins read their settings through the typed
/// getters; a value of the wrong type, or an unknown key (see <see cref="ThrowIfUnknown"/>), throws a
/// <see cref="ConfigurationErrorException"/>.
/// </summary>
public sealed class PluginOptions
{
    private readonly Dictionary<string, JsonElement> _values;

    /// <summary>Creates options from a JSON object (or nothing).</summary>
    /// <param name="element">A JSON object, or <c>null</c> / JSON null for no options.</param>
    /// <param name="path">The JSON path of the object, e.g. <c>$.models[0].options</c>.</param>
    /// <param name="baseDirectory">Folder that relative paths are resolved against (the config's folder).</param>
    public PluginOptions(JsonElement? element, string path, string baseDirectory)
    {
        Path = path;
        BaseDirectory = baseDirectory;
        _values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (element is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var p in obj.EnumerateObject()) _values[p.Name] = p.Value.Clone();
        }
        else if (element is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            throw new ConfigurationErrorException(path, $"expected an object, found {element.Value.ValueKind}.");
        }
    }

    /// <summary>No options.</summary>
    public static PluginOptions Empty { get; } = new(null, "options", Environment.CurrentDirectory);

    /// <summary>The JSON path of the options object.</summary>
    public string Path { get; }

    /// <summary>The folder relative file paths are resolved against.</summary>
    public string BaseDirectory { get; }

    /// <summary>The keys present.</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>Whether <paramref name="key"/> is present and not null.</summary>
    /// <param name="key">Option name.</param>
    public bool Has(string key) => _values.TryGetValue(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A string option, or <paramref name="fallback"/> when absent.</summary>
    /// <param name="key">Option name.</param>
    /// <param name="fallback">Value when absent.</param>
    public string? GetString(string key, string? fallback = null)
    {
        if (!TryGet(key, out var v)) return fallback;
        if (v.ValueKind != JsonValueKind.String) throw Wrong(key, "a string", v);
        return v.GetString();
    }

    /// <summary>A file or folder path option resolved against <see cref="BaseDirectory"/>, or <c>null</c>.</summary>
    /// <param name="key">Option name.</param>
    public string? GetPath(string key)
    {
        var s = GetString(key);
        return s is null ? null : System.IO.Path.GetFullPath(s, BaseDirectory);
    }

    /// <summary>An integer option.</summary>
    /// <param name="key">Option name.</param>
    /// <param name="fallback">Value when absent.</param>
    public int GetInt32(string key, int fallback)
    {
        if (!TryGet(key, out var v)) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw Wrong(key, "an integer", v);
        return i;
    }

    /// <summary>A number option.</summary>
    /// <param name="key">Option name.</param>
    /// <param name="fallback">Value when absent.</param>
    public double GetDouble(string key, double fallback)
    {
        if (!TryGet(key, out var v)) return fallback;
        if (v.ValueKind != JsonValueKind.Number) throw Wrong(key, "a number", v);
        return v.GetDouble();
    }

    /// <summary>A boolean option.</summary>
    /// <param name="key">Option name.</param>
    /// <param name="fallback">Value when absent.</param>
    public bool GetBoolean(string key, bool fallback)
    {
        if (!TryGet(key, out var v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(key, "true or false", v),
        };
    }

    /// <summary>An enum option by its config name (see <see cref="EnumNames"/>).</summary>
    /// <typeparam name="T">The enum type.</typeparam>
    /// <param name="key">Option name.</param>
    /// <param name="fallback">Value when absent.</param>
    public T GetEnum<T>(string key, T fallback) where T : struct, Enum
    {
        var s = GetString(key);
        return s is null ? fallback : EnumNames.Parse<T>(s, $"{Path}.{key}");
    }

    /// <summary>A list of strings (a JSON array of strings, or one string).</summary>
    /// <param name="key">Option name.</param>
    public IReadOnlyList<string> GetStringList(string key)
    {
        if (!TryGet(key, out var v)) return Array.Empty<string>();
        if (v.ValueKind == JsonValueKind.String) return new[] { v.GetString()! };
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, "a string or an array of strings", v);
        var list = new List<string>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw new ConfigurationErrorException($"{Path}.{key}[{i}]", $"expected a string, found {Describe(item)}.");
            list.Add(item.GetString()!);
            i++;
        }
        return list;
    }

    /// <summary>A list of numbers (a JSON array of numbers, or one number).</summary>
    /// <param name="key">Option name.</param>
    public IReadOnlyList<double> GetDoubleList(string key)
    {
        if (!TryGet(key, out var v)) return Array.Empty<double>();
        if (v.ValueKind == JsonValueKind.Number) return new[] { v.GetDouble() };
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, "a number or an array of numbers", v);
        var list = new List<double>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
                throw new ConfigurationErrorException($"{Path}.{key}[{i}]", $"expected a number, found {Describe(item)}.");
            list.Add(item.GetDouble());
            i++;
        }
        return list;
    }

    /// <summary>The raw JSON value of an option, for plugins with structured settings.</summary>
    /// <param name="key">Option name.</param>
    public JsonElement? GetRaw(string key) => TryGet(key, out var v) ? v : null;

    /// <summary>Throws when a key other than <paramref name="known"/> is present (catches typos).</summary>
    /// <param name="known">The option names this plugin understands.</param>
    public void ThrowIfUnknown(params string[] known)
    {
        foreach (var key in _values.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
                throw new ConfigurationErrorException($"{Path}.{key}",
                    known.Length == 0
                        ? "this plugin takes no options."
                        : $"unknown option; valid options are: {string.Join(", ", known)}.");
        }
    }

    private bool TryGet(string key, out JsonElement value) =>
        _values.TryGetValue(key, out value) && value.ValueKind != JsonValueKind.Null;

    private ConfigurationErrorException Wrong(string key, string expected, JsonElement found) =>
        new($"{Path}.{key}", $"expected {expected}, found {Describe(found)}.");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
