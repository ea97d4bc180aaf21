using System.Globalization;
using RepLens.Abstractions;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// What a receptive-field study projects back and shows (the settings of <c>"kind": "receptive-fields"</c>
/// and the options of <c>replens receptive-fields</c>).
/// </summary>
/// <param name="Layers">Layer selectors (names, globs, <c>op:MaxPool</c>).</param>
/// <param name="Channels">The channels (units) to clamp, or <c>null</c> for all channels of each layer.</param>
/// <param name="Position">The unit's position (row, column) in every feature map, or <c>null</c> for the centre (⌊H/2⌋, ⌊W/2⌋).</param>
/// <param name="Constants">The values c the unit is clamped to (the sweep).</param>
/// <param name="Bias">Whether convolution biases are added back.</param>
/// <param name="MaxTiles">Units shown per layer in the image grids (the first ones); every unit is in patterns.npy.</param>
/// <param name="Validate">Whether every pattern is fed forward (forward validation).</param>
/// <param name="ValidationFigures">Units per layer with a bar figure of their forward validation (the first ones).</param>
internal sealed record ReceptiveFieldOptions(
    IReadOnlyList<string> Layers,
    IReadOnlyList<int>? Channels,
    IReadOnlyList<int>? Position,
    IReadOnlyList<double> Constants,
    BackProjectionBias Bias,
    int MaxTiles = ReceptiveFieldOptions.DefaultMaxTiles,
    bool Validate = true,
    int ValidationFigures = ReceptiveFieldOptions.DefaultValidationFigures)
{
    public const int DefaultMaxTiles = 64;
    public const int DefaultValidationFigures = 8;

    /// <summary>The paper's sweep: 0.5, 1, 1.5, 2, 2.5, 3.</summary>
    public static IReadOnlyList<double> DefaultConstants { get; } = new[] { 0.5, 1, 1.5, 2, 2.5, 3 };

    /// <summary>The constant whose patterns the validation bars show: the one closest to 1.</summary>
    public int ReferenceConstant => Enumerable.Range(0, Constants.Count).MinBy(k => Math.Abs(Math.Log(Constants[k])))!;

    /// <summary>Parses <c>all</c> or a comma-separated list of channels; <paramref name="where"/> names the option in errors.</summary>
    public static IReadOnlyList<int>? ParseChannels(string text, string where)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var channels = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var k))
                throw new ConfigurationErrorException(where, $"'{text}' is not 'all' or a list of channel numbers such as 0,5,12.");
            channels.Add(k);
        }
        if (channels.Count == 0) throw new ConfigurationErrorException(where, "no channels given; write 'all' or a list such as 0,5,12.");
        return CheckChannels(channels, where);
    }

    /// <summary>Checks a channel list: no duplicates, none negative.</summary>
    public static IReadOnlyList<int> CheckChannels(IReadOnlyList<int> channels, string where)
    {
        if (channels.Any(k => k < 0)) throw new ConfigurationErrorException(where, "channel numbers start at 0.");
        var duplicate = channels.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigurationErrorException(where, $"channel {duplicate.Key} is listed twice.");
        return channels;
    }

    /// <summary>Parses <c>center</c> or <c>Y,X</c>.</summary>
    public static IReadOnlyList<int>? ParsePosition(string text, string where)
    {
        if (string.Equals(text.Trim(), "center", StringComparison.OrdinalIgnoreCase) || string.Equals(text.Trim(), "centre", StringComparison.OrdinalIgnoreCase))
            return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var x))
            return new[] { y, x };
        throw new ConfigurationErrorException(where, $"'{text}' is not 'center' or a row and column such as 3,4.");
    }

    /// <summary>Parses a comma-separated list of positive constants.</summary>
    public static IReadOnlyList<double> ParseConstants(string text, string where)
    {
        var values = new List<double>();
        foreach (var p in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var c))
                throw new ConfigurationErrorException(where, $"'{p}' is not a number; expected constants such as 0.5,1,1.5.");
            values.Add(c);
        }
        return CheckConstants(values, where);
    }

    /// <summary>Checks a sweep: at least one constant, all finite and positive, none twice.</summary>
    public static IReadOnlyList<double> CheckConstants(IReadOnlyList<double> constants, string where)
    {
        if (constants.Count == 0) throw new ConfigurationErrorException(where, "no constants given; the paper's sweep is 0.5,1,1.5,2,2.5,3.");
        if (constants.Any(c => !(c > 0) || !double.IsFinite(c)))
            throw new ConfigurationErrorException(where, "constants must be positive numbers (the clamped unit's value c > 0).");
        if (constants.Distinct().Count() != constants.Count) throw new ConfigurationErrorException(where, "a constant is listed twice.");
        return constants;
    }

    public static string Format(double c) => c.ToString("R", CultureInfo.InvariantCulture);
}
