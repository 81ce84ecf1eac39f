using DefectApi.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Hosting;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Defects";
    const string DefaultConnectionString = "Data Source=data/defects.db";

    /// <summary>A relative SQLite path means "next to the running app", wherever it was started from.</summary>
    public static string ResolveConnectionString(string? configured)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);
        var inMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:";
        if (!inMemory && !string.IsNullOrEmpty(builder.DataSource))
        {
            if (!Path.IsPathRooted(builder.DataSource))
                builder.DataSource = Path.Combine(AppContext.BaseDirectory, builder.DataSource);
            var folder = Path.GetDirectoryName(builder.DataSource);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        return builder.ToString();
    }

    public static IServiceCollection AddDefectDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ResolveConnectionString(configuration.GetConnectionString(ConnectionStringName));
        services.AddDbContext<DefectDbContext>(options => options.UseSqlite(connectionString));
        services.AddDbContextFactory<DefectDbContext>(options => options.UseSqlite(connectionString), ServiceLifetime.Scoped);
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }
}

/// <summary>Runs before the server takes requests: applies migrations, turns on WAL, and removes what a crash
/// left half-written.</summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        // The one place with SQLite-only SQL: WAL lets readers (predictions) run while training writes.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        var partial = await db.Datasets.Where(d => d.Status == Datasets.DatasetStatus.Uploading).Select(d => d.Id).ToListAsync(cancellationToken);
        foreach (var id in partial)
        {
            await db.DatasetChunks.Where(c => c.DatasetId == id).ExecuteDeleteAsync(cancellationToken);
            await db.Datasets.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken);
        }
        if (partial.Count > 0) logger.LogWarning("Removed {Count} dataset uploads interrupted by a previous stop", partial.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
