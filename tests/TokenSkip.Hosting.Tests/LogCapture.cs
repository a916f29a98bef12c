using Microsoft.Extensions.Logging;

namespace TokenSkip.Hosting.Tests;

/// <summary>A logger provider that keeps every line (category, level, message, exception) for assertions.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly List<(string Category, LogLevel Level, string Message, Exception? Exception)> _lines = [];

    public IReadOnlyList<(string Category, LogLevel Level, string Message, Exception? Exception)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add((category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
