namespace DefectApi.Security;

/// <summary>A refused call (no key, an unknown key, a key without the scope) is something any caller who can reach
/// the port can cause at will. The framework writes each refusal at Information, so an unauthenticated client could
/// grow the log as fast as it sends; these wrappers write the same lines, same category and event id, at Debug.</summary>
internal class RefusalsAtDebugLogger(ILogger inner) : ILogger
{
    static LogLevel Lower(LogLevel level) => level == LogLevel.Information ? LogLevel.Debug : level;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Lower(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) =>
        inner.Log(Lower(logLevel), eventId, state, exception, formatter);
}

/// <summary>For a framework service that takes <see cref="ILogger{T}"/>: "Authorization failed" is its only
/// Information line.</summary>
internal sealed class RefusalsAtDebugLogger<T>(ILoggerFactory factory) : RefusalsAtDebugLogger(factory.CreateLogger<T>()), ILogger<T>;

/// <summary>For an authentication handler, which makes its logger from a factory: "was challenged", "was forbidden" and
/// "was not authenticated" are its only Information lines.</summary>
internal sealed class RefusalsAtDebugLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RefusalsAtDebugLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() { }   // the application's factory is not this wrapper's to dispose
}
