using Microsoft.Extensions.Logging;

namespace RepLens.Rsa.Tests;

/// <summary>Collects warning messages.</summary>
internal sealed class ListLogger(List<string> messages) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) messages.Add(formatter(state, exception));
    }
}
