using System.Text.Json;
using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>
/// Reads the members of one JSON object of a config, recording every problem (with its JSON path) in
/// <see cref="ConfigErrors"/> instead of stopping at the first, and flagging keys nobody read.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _obj;
    private readonly ConfigErrors _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement obj, string path, ConfigErrors errors)
    {
        _obj = obj;
        Path = path;
        _errors = errors;
        IsObject = obj.ValueKind == JsonValueKind.Object;
        if (!IsObject) errors.Add(path, $"expected an object, found {Describe(obj)}.");
    }

    public string Path { get; }

    public bool IsObject { get; }

    public string At(string key) => $"{Path}.{key}";

    public JsonElement? Get(string key)
    {
        _read.Add(key);
        if (!IsObject || !_obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v;
    }

    public string? String(string key, bool required = false, string? expected = null)
    {
        var v = Get(key);
        if (v is null)
        {
            if (required) _errors.Add(At(key), $"required; expected {expected ?? "a string"}.");
            return null;
        }
        if (v.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.Value.GetString()))
        {
            _errors.Add(At(key), $"expected {expected ?? "a non-empty string"}, found {Describe(v.Value)}.");
            return null;
        }
        return v.Value.GetString();
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetInt32(out var i))
        {
            _errors.Add(At(key), $"expected an integer, found {Describe(v.Value)}.");
            return fallback;
        }
        if (i < min || i > max)
        {
            _errors.Add(At(key), max == int.MaxValue ? $"expected an integer ≥ {min}, found {i}." : $"expected an integer in [{min}, {max}], found {i}.");
            return fallback;
        }
        return i;
    }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v.Value.ValueKind != JsonValueKind.Number)
        {
            _errors.Add(At(key), $"expected a number, found {Describe(v.Value)}.");
            return fallback;
        }
        var d = v.Value.GetDouble();
        if (d < min || d > max)
        {
            _errors.Add(At(key), $"expected a number in [{min}, {max}], found {d}.");
            return fallback;
        }
        return d;
    }

    public bool Bool(string key, bool fallback)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.Value.GetBoolean();
        _errors.Add(At(key), $"expected true or false, found {Describe(v.Value)}.");
        return fallback;
    }

    public T Enum<T>(string key, T fallback) where T : struct, System.Enum
    {
        var s = String(key, expected: "one of: " + string.Join(", ", EnumNames.ValidNames<T>()));
        if (s is null) return fallback;
        if (EnumNames.TryParse<T>(s, out var value)) return value;
        _errors.Add(At(key), $"'{s}' is not valid; expected one of: {string.Join(", ", EnumNames.ValidNames<T>())}.");
        return fallback;
    }

    public IReadOnlyList<string> StringList(string key, bool required = false)
    {
        var v = Get(key);
        if (v is null)
        {
            if (required) _errors.Add(At(key), "required; expected an array of strings.");
            return System.Array.Empty<string>();
        }
        if (v.Value.ValueKind == JsonValueKind.String) return new[] { v.Value.GetString()! };
        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            _errors.Add(At(key), $"expected an array of strings, found {Describe(v.Value)}.");
            return System.Array.Empty<string>();
        }
        var list = new List<string>();
        int i = 0;
        foreach (var item in v.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString())) list.Add(item.GetString()!);
            else _errors.Add($"{At(key)}[{i}]", $"expected a non-empty string, found {Describe(item)}.");
            i++;
        }
        if (required && list.Count == 0 && i == 0) _errors.Add(At(key), "must not be empty.");
        return list;
    }

    public IReadOnlyList<double> DoubleList(string key)
    {
        var v = Get(key);
        if (v is null) return System.Array.Empty<double>();
        if (v.Value.ValueKind == JsonValueKind.Number) return new[] { v.Value.GetDouble() };
        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            _errors.Add(At(key), $"expected an array of numbers, found {Describe(v.Value)}.");
            return System.Array.Empty<double>();
        }
        var list = new List<double>();
        int i = 0;
        foreach (var item in v.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number) list.Add(item.GetDouble());
            else _errors.Add($"{At(key)}[{i}]", $"expected a number, found {Describe(item)}.");
            i++;
        }
        return list;
    }

    /// <summary>The items of an array member, each with its path.</summary>
    public IReadOnlyList<(JsonElement Item, string Path)> Array(string key, bool required = false)
    {
        var v = Get(key);
        if (v is null)
        {
            if (required) _errors.Add(At(key), "required; expected an array.");
            return System.Array.Empty<(JsonElement, string)>();
        }
        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            _errors.Add(At(key), $"expected an array, found {Describe(v.Value)}.");
            return System.Array.Empty<(JsonElement, string)>();
        }
        return v.Value.EnumerateArray().Select((e, i) => (e, $"{At(key)}[{i}]")).ToList();
    }

    public PluginOptions Options(string key, string baseDirectory)
    {
        var v = Get(key);
        return _errors.Collect(() => new PluginOptions(v, At(key), baseDirectory))
               ?? new PluginOptions(null, At(key), baseDirectory);
    }

    /// <summary>Records an error for every member that no getter asked for.</summary>
    public void RejectUnknownKeys(params string[] alsoAllowed)
    {
        if (!IsObject) return;
        foreach (var p in _obj.EnumerateObject())
        {
            if (_read.Contains(p.Name) || System.Array.IndexOf(alsoAllowed, p.Name) >= 0 || p.Name.StartsWith('$')) continue;
            _errors.Add(At(p.Name), "unknown key." + NameSuggestions.DidYouMean(p.Name, _read.Concat(alsoAllowed), 3));
        }
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };
}
