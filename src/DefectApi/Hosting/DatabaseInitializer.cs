using DefectApi.Data;
using DefectApi.Datasets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Hosting;

/// <summary>Runs before the server takes requests: applies migrations (on PostgreSQL under an advisory lock, so that
/// replicas starting together migrate once, one after another) and removes uploads that a stopped process left
/// half-written.</summary>
internal sealed class DatabaseInitializer(
    IServiceScopeFactory scopes, DatabaseConnection connection, IOptions<UploadOptions> uploads, TimeProvider clock,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    /// <summary>How long a replica waits at start for a database that does not answer yet (started before it, or
    /// restarting) before it gives up and exits for its supervisor to restart it.</summary>
    static readonly TimeSpan StartupWait = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var giveUpAt = clock.GetUtcNow() + StartupWait;
        while (true)
        {
            try
            {
                await InitializeAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (DatabaseErrors.Unavailable(e) is { } reason && clock.GetUtcNow() < giveUpAt)
            {
                logger.LogWarning("The database is not available yet ({Reason}); trying again in 2 s", reason);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, cancellationToken);
            }
        }
    }

    async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        if (connection.Provider == DatabaseProvider.Postgres)
        {
            await using var migrationLock = await PostgresSql.AcquireMigrationLockAsync(connection.ConnectionString, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await ConvertLegacyLogAsync(scope.ServiceProvider, db, cancellationToken);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
            await SqliteSql.UseWriteAheadLogAsync(db, cancellationToken);
            await ConvertLegacyLogAsync(scope.ServiceProvider, db, cancellationToken);
            await WarnOfEarlierDatabaseAsync(db);
        }
        // One SQLite file serves one process, so at start every unfinished upload is abandoned. Replicas on PostgreSQL
        // may be uploading right now: only uploads older than the abandon time are.
        var cutoff = connection.Provider == DatabaseProvider.Sqlite
            ? DateTime.MaxValue
            : clock.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(uploads.Value.AbandonAfterMinutes);
        var removed = await DatasetStore.RemoveAbandonedUploadsAsync(db, cutoff, cancellationToken);
        if (removed > 0) logger.LogWarning("Removed {Count} dataset uploads interrupted by a stopped process", removed);
    }

    /// <summary>A prediction log written by a version before rollups is converted before the first request.</summary>
    Task ConvertLegacyLogAsync(IServiceProvider services, DefectDbContext db, CancellationToken ct) =>
        new Monitoring.LegacyLogConversion(db, services.GetRequiredService<Registry.ModelCache>(),
            services.GetRequiredService<Monitoring.LogSegments>(), clock, logger).RunAsync(ct);

    /// <summary>Earlier versions kept a relative SQLite path beside the app: under <c>dotnet run</c> in the build output.
    /// An operator who upgrades sees an empty registry; this says where the old one is, at every start until it is
    /// moved or the registry has data of its own. It is not moved automatically: another build may still be using it.</summary>
    async Task WarnOfEarlierDatabaseAsync(DefectDbContext db)
    {
        if (connection.EarlierSqliteFile is not { } earlier || await RegistryContents.DescribeAsync(db) is not null) return;
        logger.LogWarning("The registry at {Database} is empty, but {Earlier} holds a database that an earlier version kept beside " +
            "the app (in the build output under dotnet run). To go on with it, stop the service and move that file, with any -wal " +
            "and -shm beside it, to {Target}; or set ConnectionStrings:Defects to its full path.", connection.SqliteFile, earlier,
                connection.SqliteFile);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
