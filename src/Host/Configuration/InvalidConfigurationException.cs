using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>A configuration with one or more errors; the message lists every one with its path.</summary>
internal sealed class InvalidConfigurationException(string source, IReadOnlyList<ConfigurationErrorException> errors)
    : Exception(Format(source, errors))
{
    public IReadOnlyList<ConfigurationErrorException> Errors { get; } = errors;

    private static string Format(string source, IReadOnlyList<ConfigurationErrorException> errors) =>
        $"{source}: {errors.Count} configuration error{(errors.Count == 1 ? "" : "s")}:" + Environment.NewLine +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e.Message));
}
