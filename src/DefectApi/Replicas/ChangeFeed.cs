using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Deployments;
using DefectApi.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Replicas;

/// <summary>Keeps this replica's caches in step with the database that every replica shares: a few times a second it
/// reads the deployments and the stored API keys (a handful of rows each) and the revisions of the models held in
/// memory, and drops what changed or went: a key revoked through any replica is refused here within a poll. A cheap
/// poll rather than PostgreSQL's LISTEN/NOTIFY: it works the same on both providers, needs no connection of its own,
/// and loses nothing while the database is away. When the database cannot be read, the caches keep serving what they
/// hold.</summary>
public sealed partial class ChangeFeed(
    IServiceScopeFactory scopes, DeploymentRoutes routes, ModelCache models, Security.KeyRing keys, DatabaseConnection database,
    IOptions<DatabaseOptions> options, IOptions<UploadOptions> uploads, TimeProvider clock, ILogger<ChangeFeed> logger) : BackgroundService
{
    static readonly TimeSpan QuietLogInterval = TimeSpan.FromSeconds(30);
    static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;
    DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ChangePollMilliseconds), clock);
        do
        {
            try { await ReadChangesAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                if (database.Provider == DatabaseProvider.Postgres && DatabaseErrors.Unavailable(e) is not null)
                    PostgresSql.DropPooledConnections(database.ConnectionString);
                if (clock.GetUtcNow() - _lastFailureLog > QuietLogInterval)
                {
                    _lastFailureLog = clock.GetUtcNow();
                    LogReadFailed(e);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task ReadChangesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();

        var version = routes.Version;
        var deployments = await db.Deployments.AsNoTracking().Select(d => new { d.Name, d.ModelId })
            .ToDictionaryAsync(d => d.Name, d => d.ModelId, ct);
        routes.Replace(deployments, version);

        var keyVersion = keys.Version;
        keys.ReplaceStored(await Security.KeyStore.LoadAsync(db, ct), keyVersion);

        // Read even when nothing is cached: the query is then compiled at start, not on the first poll after a model is
        // loaded, which is when a move is being followed (a few hundred milliseconds on a busy 2-core machine).
        var cached = models.CachedRevisions();
        var ids = cached.Keys.ToList();
        var stored = await db.Models.AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => new { m.Id, m.Revision })
            .ToDictionaryAsync(m => m.Id, m => m.Revision, ct);
        foreach (var (id, revision) in cached)
            if (!stored.TryGetValue(id, out var current) || current != revision) models.Invalidate(id);

        if (database.Provider == DatabaseProvider.Postgres && clock.GetUtcNow() - _lastSweep > SweepInterval)
        {
            _lastSweep = clock.GetUtcNow();
            var cutoff = clock.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(uploads.Value.AbandonAfterMinutes);
            await DatasetStore.RemoveAbandonedUploadsAsync(db, cutoff, ct);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Cannot read changes from the database; serving cached deployments and models until it answers")]
    partial void LogReadFailed(Exception e);
}
