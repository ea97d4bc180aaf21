using System.Globalization;
using System.Text.RegularExpressions;

namespace RepLens.Host.Configuration;

/// <summary>Sizes such as <c>2GB</c>, <c>512 MiB</c> or <c>1.5G</c> (powers of 1024, as memory is counted).</summary>
internal static partial class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        if (!double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0) return false;
        double scale = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (scale == 0) return false;
        bytes = (long)(value * scale);
        return bytes > 0;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.##} KiB"),
        _ => $"{bytes} B",
    };

    [GeneratedRegex(@"^([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)$")]
    private static partial Regex Pattern();
}
