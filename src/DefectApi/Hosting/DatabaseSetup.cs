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

    public static IServiceCollection AddDefectDatabase(this IServiceCollection services)
    {
        // Resolved when first needed, so configuration added up to the host's build (tests, tools) is what counts.
        services.AddSingleton(sp => new DatabaseConnection(
            ResolveConnectionString(sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName))));
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new SqlitePragmas(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.MaxDatabaseBytes));
        services.AddDbContext<DefectDbContext>(Configure);
        services.AddDbContextFactory<DefectDbContext>(Configure, ServiceLifetime.Scoped);
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }

    static void Configure(IServiceProvider services, DbContextOptionsBuilder options)
    {
        options.UseSqlite(services.GetRequiredService<DatabaseConnection>().ConnectionString);
        options.AddInterceptors(services.GetRequiredService<SqlitePragmas>());
    }
}

/// <summary>The SQLite connection string, with a relative file path made absolute next to the app.</summary>
public sealed record DatabaseConnection(string ConnectionString);

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
