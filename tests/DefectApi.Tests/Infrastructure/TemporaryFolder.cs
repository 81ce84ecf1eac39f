using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Infrastructure;

/// <summary>A folder of the test's own, removed with all it holds; SQLite's pooled connections into it are closed
/// first, so that no handle keeps a database file alive.</summary>
public sealed class TemporaryFolder(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
