using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Infrastructure;

/// <summary>For tests that start the service as a process, stop it and start it again: a temporary folder for its
/// SQLite file, which outlives each process and is removed after the test.</summary>
public abstract class ProcessDatabase(string prefix) : IAsyncLifetime
{
    readonly string _folder = Directory.CreateTempSubdirectory(prefix).FullName;

    protected string DatabasePath => Path.Combine(_folder, "defects.db");

    /// <summary>The environment that points a service process at the database.</summary>
    protected Dictionary<string, string> Environment => new() { ["ConnectionStrings__Defects"] = $"Data Source={DatabasePath}" };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
