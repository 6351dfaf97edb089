using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Platform;

/// <summary>
/// Keeps every line a node logs, whole: its category, the formatted message, each structured value, the exception and
/// every scope around it — whatever a JSON console or an OTLP exporter could ship.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public sealed record Line(string Category, LogLevel Level, string Message, string Everything);

    public ConcurrentQueue<Line> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var all = new StringBuilder().Append(category).Append(' ').Append(eventId.Name).Append(' ').Append(message).Append(' ').Append(exception);
            Values(all, state);
            capture.scopes.ForEachScope((scope, text) => Values(text, scope), all);
            capture.Lines.Enqueue(new Line(category, logLevel, message, all.ToString()));
        }

        static void Values(StringBuilder text, object? state)
        {
            text.Append(" | ").Append(state);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }
            }
        }
    }
}