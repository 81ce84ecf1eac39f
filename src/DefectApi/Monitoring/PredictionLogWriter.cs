using System.Data.Common;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>
/// Writes the queued answers once per flush interval, each flush in one transaction: the rows, their segments, the
/// rollups they add to, and the outcomes that were waiting for them. Scores each deployment's shadow model on the same
/// records first, so its answers land on the same rows. Runs off the request path: a shadow that fails, or a database
/// that is down for a moment, never fails a request. Every few seconds it also joins outcomes that crossed their
/// predictions on two replicas. On a graceful stop it writes everything still queued; a hard kill loses at most one
/// flush interval.
/// </summary>
public sealed class PredictionLogWriter(PredictionLog log, IServiceScopeFactory scopes, ModelCache models, LogSegments segments,
    IOptions<PredictionLogOptions> options, ILogger<PredictionLogWriter> logger) : BackgroundService
{
    const int Attempts = 3;
    const int ChunkSize = 1_000;
    const int SweepLimit = 5_000;
    static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);
    readonly SemaphoreSlim _writing = new(1, 1);
    DateTime _nextSweep = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.FlushIntervalMilliseconds);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(interval, stopping);
                await WriteQueuedAsync();
                // Only a replica that wrote answers or kept pending outcomes since the last sweep can have met a pair.
                if (DateTime.UtcNow >= _nextSweep && log.TakeSweepNeeded())
                {
                    _nextSweep = DateTime.UtcNow + SweepInterval;
                    await SweepAsync(stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        await WriteQueuedAsync();   // the graceful stop: nothing queued is lost
    }

    /// <summary>Everything queued now.</summary>
    public async Task WriteQueuedAsync()
    {
        await _writing.WaitAsync();
        try
        {
            var queued = log.Take();
            try
            {
                if (queued.Count > 0)
                {
                    await WriteInChunksAsync(queued);
                    log.NoteSweepNeeded();
                }
            }
            finally
            {
                log.Recycle(queued.Buffer);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>A flush is written a chunk at a time, each in its own transaction, yielding in between: every list and
    /// map of a chunk stays below the large-object heap (whose churn made full collections, the logged path's tail),
    /// and the requests get the cores back between chunks.</summary>
    async Task WriteInChunksAsync(QueuedEntries queued)
    {
        _flushDeployments = null;
        var chunk = new List<QueuedEntry>(ChunkSize);
        foreach (var entry in queued.Entries())
        {
            chunk.Add(entry);
            if (chunk.Count < ChunkSize) continue;
            await WriteAsync(chunk, queued);
            chunk.Clear();
            await Task.Yield();
        }
        if (chunk.Count > 0) await WriteAsync(chunk, queued);
    }

    Dictionary<string, DeploymentLogging>? _flushDeployments;

    /// <summary>One chunk, tried again while the database is away for a moment (reading the deployments included:
    /// nothing here may stop the writer), then counted as lost.</summary>
    async Task WriteAsync(List<QueuedEntry> chunk, QueuedEntries queued)
    {
        LogBatch? batch = null;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _flushDeployments ??= await DeploymentsAsync(queued);
                batch ??= await BuildAsync(chunk, _flushDeployments);
                await StoreAsync(batch);
                foreach (var segment in batch.Segments.Values) segments.Remember(segment);
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException && attempt < Attempts)
            {
                logger.LogWarning(e, "Writing {Count} logged predictions failed (attempt {Attempt} of {Attempts}); retrying.",
                    chunk.Count, attempt, Attempts);
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (Exception e)
            {
                logger.LogError(e, "{Count} logged predictions could not be written and are lost.", chunk.Count);
                log.CountLost(chunk.Count);
                return;
            }
        }
    }

    async Task<LogBatch> BuildAsync(List<QueuedEntry> chunk, Dictionary<string, DeploymentLogging> deployments)
    {
        var byStream = new Dictionary<int, List<QueuedEntry>>();
        foreach (var entry in chunk)
        {
            if (!byStream.TryGetValue(entry.Stream, out var entries)) byStream[entry.Stream] = entries = [];
            entries.Add(entry);
        }
        var streams = byStream.Keys.ToDictionary(id => id, log.Stream);
        var batch = new LogBatch();
        foreach (var (id, entries) in byStream)
            await batch.AddAsync(streams[id], entries, deployments.GetValueOrDefault(streams[id].Deployment), models,
                e => logger.LogWarning(e, "Scoring shadow models failed; the champions' answers are logged without theirs."),
                CancellationToken.None);
        return batch;
    }

    /// <summary>The challenger and keys of every deployment with answers in the flush, read once per flush.</summary>
    async Task<Dictionary<string, DeploymentLogging>> DeploymentsAsync(QueuedEntries queued)
    {
        var streamIds = new HashSet<int>();
        foreach (var entry in queued.Entries()) streamIds.Add(entry.Stream);
        var names = streamIds.Select(id => log.Stream(id).Deployment).Distinct().ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        return await db.Deployments.AsNoTracking().Where(d => names.Contains(d.Name))
            .ToDictionaryAsync(d => d.Name, d => new DeploymentLogging(d.ShadowModelId, d.KeyColumns));
    }

    async Task StoreAsync(LogBatch batch)
    {
        var ct = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var joins = new OutcomeJoins(new LoggedAnswers(segments, models));
        await scope.ServiceProvider.GetRequiredService<Data.PostgresSizeLimit>().EnsureRoomAsync(batch.EstimatedBytes, ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct);
        var sql = new MonitoringSql(db.Database.GetDbConnection(), transaction);
        await batch.StoreAsync(sql, joins, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Joins pending outcomes whose answers are logged by now: they crossed on two replicas, each writing
    /// before it could see the other's.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            var answers = new LoggedAnswers(segments, models);
            await db.Database.OpenConnectionAsync(ct);
            await using var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct);
            var sql = new MonitoringSql(db.Database.GetDbConnection(), transaction);
            var pending = await OutcomeJoins.ReadAsync(sql, $"NOT \"Joined\" ORDER BY \"RecordedAt\" DESC LIMIT {SweepLimit}", ct);
            if (pending.Count == 0) return;
            var byId = await answers.ByIdAsync(sql, pending.Where(p => p.PredictionId is not null).Select(p => p.PredictionId!), ct);
            var byKey = await answers.ByKeyHashAsync(sql, pending.Where(p => p.KeyHash is not null).Select(p => p.KeyHash!.Value), ct);
            var byKeyHash = byKey.GroupBy(k => k.Hash).ToDictionary(g => g.Key, g => g.Select(k => k.Row).ToList());
            var rollups = new Dictionary<RollupKey, Tabular.Monitoring.RollupCounts>();
            int joined = 0;
            var joins = new OutcomeJoins(answers);
            foreach (var outcome in pending)
                if (OutcomeJoins.Match(outcome, byId, byKeyHash) is { } row
                    && await joins.JoinAsync(sql, outcome, row, rollups, ct)) joined++;
            await PredictionLogStore.AddToRollupsAsync(sql, rollups, ct);
            await transaction.CommitAsync(ct);
            if (joined > 0) logger.LogInformation("Joined {Count} outcomes that arrived before their predictions were written.", joined);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Joining pending outcomes failed; it runs again shortly.");
        }
    }

}
