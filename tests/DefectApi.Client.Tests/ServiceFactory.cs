using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace DefectApi.Client.Tests;

/// <summary>The real service in memory, on a SQLite file of its own that is deleted afterwards.</summary>
public sealed class ServiceFactory : WebApplicationFactory<Program>
{
    readonly string _database = Path.Combine(Path.GetTempPath(), $"defectapi-client-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Defects"] = $"Data Source={_database}",
            // Production requires keys by default; these tests exercise the generated client, not authentication.
            ["Auth:RequireKeys"] = "false",
            // No load balancer routes to a service in memory: disposing it need not wait out a drain.
            ["Shutdown:DrainSeconds"] = "0",
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(_database + suffix); } catch (IOException) { }
    }
}
