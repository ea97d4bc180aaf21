using RepLens.Abstractions;

namespace RepLens.Host.Configuration;

/// <summary>All configuration problems found, reported together (each with its JSON path).</summary>
internal sealed class ConfigErrors
{
    private readonly List<ConfigurationErrorException> _errors = new();

    public IReadOnlyList<ConfigurationErrorException> Items => _errors;

    public bool Any => _errors.Count > 0;

    public void Add(string path, string message) => _errors.Add(new ConfigurationErrorException(path, message));

    public void Add(ConfigurationErrorException e) => _errors.Add(e);

    /// <summary>Runs <paramref name="action"/>, recording a <see cref="ConfigurationErrorException"/> instead of throwing.</summary>
    public T? Collect<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ConfigurationErrorException e)
        {
            _errors.Add(e);
            return default;
        }
    }

    public void ThrowIfAny(string source)
    {
        if (_errors.Count > 0) throw new InvalidConfigurationException(source, _errors);
    }
}
