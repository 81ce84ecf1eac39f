using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Infrastructure;

/// <summary>The real service in memory, on a SQLite file of its own that is deleted afterwards.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    readonly Dictionary<string, string?> _settings;
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"defectapi-test-{Guid.NewGuid():N}.db");

    public ApiFactory(IDictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:Defects"] = $"Data Source={DatabasePath}",
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(DatabasePath + suffix); } catch (IOException) { }
    }
}
