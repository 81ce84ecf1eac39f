using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace DefectApi.Tests.Infrastructure;

/// <summary>The real service in memory, on a database of its own: a SQLite file deleted afterwards, or a new database on
/// the test run's PostgreSQL server. It runs in Production, where keys are required by default; unless a test's
/// settings say otherwise it runs open (Auth:RequireKeys=false), as the tests of anything but authentication want.
/// Configured keys are enforced either way. It stops without a drain (Shutdown:DrainSeconds=0) unless they say so.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    readonly Dictionary<string, string?> _settings;
    readonly TimeProvider? _clock;
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"defectapi-test-{Guid.NewGuid():N}.db");
    public DatabaseProvider Provider { get; }

    /// <summary>The database the service will use: known before it starts, so that a test may prepare it.</summary>
    public string ConnectionString => _settings["ConnectionStrings:Defects"]!;

    /// <param name="clock">the service's clock in place of the system's, for tests in which time must pass</param>
    public ApiFactory(IDictionary<string, string?>? settings = null, DatabaseProvider provider = DatabaseProvider.Sqlite,
        TimeProvider? clock = null)
    {
        Provider = provider;
        _clock = clock;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Defects"] = provider == DatabaseProvider.Postgres ? Postgres.NewDatabase() : $"Data Source={DatabasePath}",
        };
        _settings.TryAdd("Auth:RequireKeys", "false");
        // In memory no load balancer routes to the service: disposing it need not wait out a drain.
        _settings.TryAdd("Shutdown:DrainSeconds", "0");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        if (_clock is { } clock) builder.ConfigureTestServices(services => services.AddSingleton(clock));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(DatabasePath + suffix); } catch (IOException) { }
    }
}

/// <summary>The test run's PostgreSQL databases. Where no server is installed the test is skipped (it must be a
/// <c>SkippableFact</c>), except under CI=true, where it fails.</summary>
public static class Postgres
{
    public static string NewDatabase()
    {
        if (ExternalComponent.PostgreSql.SkipReason is { } reason) throw new SkipException(reason);
        return PostgresServer.Shared.CreateDatabase();
    }
}
