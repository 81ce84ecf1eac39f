using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace DefectApi.Tests.Infrastructure;

/// <summary>One log line as the service wrote it, with the trace id its scopes carried (ActivityTrackingOptions).</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string? TraceId);

/// <summary>Keeps every log line the service writes (after the configured level filters), so tests can read what an
/// operator's log would hold.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    readonly ConcurrentQueue<CapturedLog> _logs = new();
    IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Logs => _logs.ToArray();

    public void Clear() => _logs.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    /// <summary>The service with this provider added to its logging.</summary>
    public WebApplicationFactory<Program> AddTo(WebApplicationFactory<Program> factory) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(this)));

    sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            string? traceId = null;
            owner._scopes.ForEachScope((scope, _) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    foreach (var (key, value) in values)
                        if (key == "TraceId") traceId = value?.ToString();
            }, (object?)null);
            owner._logs.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), traceId));
        }
    }
}
