using System.Reflection;
using System.Runtime.Serialization;
using System.Text;

namespace RepLens.Abstractions;

/// <summary>
/// The one mapping between enum values and the names used in configs and on the command line:
/// kebab-case of the member name (<c>KendallTauA</c> → <c>kendall-tau-a</c>) unless the member carries
/// <see cref="EnumMemberAttribute"/> (<c>SquaredEuclidean</c> → <c>sqeuclidean</c>).
/// </summary>
public static class EnumNames
{
    /// <summary>The config name of <paramref name="value"/>.</summary>
    /// <typeparam name="T">An enum type.</typeparam>
    /// <param name="value">The value.</param>
    public static string Name<T>(T value) where T : struct, Enum
    {
        var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        var custom = member?.GetCustomAttribute<EnumMemberAttribute>()?.Value;
        return custom ?? Kebab(value.ToString());
    }

    /// <summary>All valid config names of <typeparamref name="T"/>, in declaration order.</summary>
    /// <typeparam name="T">An enum type.</typeparam>
    public static IReadOnlyList<string> ValidNames<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(Name).ToArray();

    /// <summary>Parses a config name (case-insensitive).</summary>
    /// <typeparam name="T">An enum type.</typeparam>
    /// <param name="text">The name to parse.</param>
    /// <param name="value">The parsed value.</param>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(Name(v), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Parses a config name or throws a <see cref="ConfigurationErrorException"/> listing the valid names.</summary>
    /// <typeparam name="T">An enum type.</typeparam>
    /// <param name="text">The name to parse.</param>
    /// <param name="path">Where the value came from (a JSON path or an option name), for the message.</param>
    public static T Parse<T>(string? text, string path) where T : struct, Enum
    {
        if (TryParse<T>(text, out var value)) return value;
        throw new ConfigurationErrorException(path,
            $"'{text}' is not a valid value; expected one of: {string.Join(", ", ValidNames<T>())}.");
    }

    private static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
