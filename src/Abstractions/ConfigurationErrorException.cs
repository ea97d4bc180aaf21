namespace RepLens.Abstractions;

/// <summary>
/// A configuration value is missing or wrong. <see cref="Path"/> names where (a JSON path such as
/// <c>$.models[0].layers</c>, or a command-line option such as <c>--metric</c>); the message says what
/// was expected. The host collects these and reports them all at once.
/// </summary>
public sealed class ConfigurationErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">Where the bad value is.</param>
    /// <param name="message">What is wrong and what was expected.</param>
    public ConfigurationErrorException(string path, string message)
        : base($"{path}: {message}")
    {
        Path = path;
        Problem = message;
    }

    /// <summary>Where the bad value is.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
