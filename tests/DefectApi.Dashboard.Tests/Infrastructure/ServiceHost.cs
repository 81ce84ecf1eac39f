using Microsoft.Data.Sqlite;

namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>One test class's service: the built app as a real process on a loopback port, with its own SQLite file.</summary>
public class ServiceHost : IAsyncLifetime
{
    readonly string _database = Path.Combine(Path.GetTempPath(), $"defectapi-dashboard-{Guid.NewGuid():N}.db");
    readonly IDictionary<string, string> _environment;
    ServiceProcess? _service;

    public ServiceHost() : this(new Dictionary<string, string>()) { }

    /// <summary>For a fixture whose service needs configuration (environment variables, as an operator sets them).</summary>
    protected ServiceHost(IDictionary<string, string> environment) => _environment = environment;

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>(_environment)
        {
            ["ConnectionStrings__Defects"] = $"Data Source={_database}",
        };
        _service = await ServiceProcess.StartAsync(AppFolder(), settings);
    }

    /// <summary>The built service; DEFECTAPI_APP_FOLDER points the tests at another build of it.</summary>
    static string AppFolder() => Environment.GetEnvironmentVariable("DEFECTAPI_APP_FOLDER") is { Length: > 0 } folder
        ? folder
        : ServiceProcess.AppFolder();

    /// <summary>Runs SQL on the service's database from outside it, as an operator's script would (the service's
    /// writer waits for it: SQLite's busy timeout); answers the first column of the first row, if any.</summary>
    public async Task<object?> ExecuteSqlAsync(string sql)
    {
        // Unpooled, so that no handle on the file outlives the call and the file can be deleted with the service.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _database, Pooling = false, DefaultTimeout = 30,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }
}
