using DefectApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>
/// Keeps the prediction log within its retention (days) and its row cap, oldest first, with the joined outcomes of
/// the answers it removes; removes pending outcomes that met no prediction in time (counted); and rollups past their
/// own, longer retention. Deletes run in small chunks, each its own short transaction, so the log writer never waits
/// for more than one chunk. Each replica may run it: the deletes are idempotent.
/// </summary>
public sealed class PredictionLogRetention(IServiceScopeFactory scopes, PredictionLog log, IOptions<PredictionLogOptions> options,
    TimeProvider clock, ILogger<PredictionLogRetention> logger) : BackgroundService
{
    /// <summary>Rows per delete: small enough that SQLite's writer lock is held for milliseconds.</summary>
    internal const int Chunk = 2_000;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.CleanupIntervalMinutes), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var removed = await RemoveOldAsync(scope.ServiceProvider.GetRequiredService<DefectDbContext>(), stopping);
                if (removed > 0) logger.LogInformation("Prediction log retention removed {Rows} rows.", removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Prediction log retention failed; it runs again at the next interval.");
            }
        } while (await timer.WaitForNextTickAsync(stopping));
    }

    /// <summary>Everything past its retention; returns how many log rows went.</summary>
    public async Task<long> RemoveOldAsync(DefectDbContext db, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var sql = new MonitoringSql(db.Database.GetDbConnection(), null);
            var before = PredictionIds.LowerBound(now.AddDays(-settings.RetentionDays));
            await using (var newest = sql.Command("SELECT \"PredictionId\" FROM \"LoggedAnswers\" ORDER BY \"PredictionId\" DESC " +
                "LIMIT 1 OFFSET @n",
                             ("@n", settings.MaxRows)))
                if (await newest.ExecuteScalarAsync(ct) is byte[] firstOverCap && Compare(firstOverCap, before) >= 0)
                    before = Successor(firstOverCap);   // the cap removes more than the days do: up to and including that row
            long removed = await DeleteInChunksAsync(sql, "LoggedAnswers", "\"PredictionId\"", "\"PredictionId\" < @b", ct, ("@b", before));
            await DeleteInChunksAsync(sql, "LoggedOutcomes", "\"Id\"", "\"Joined\" AND \"PredictionId\" < @b", ct, ("@b", before));
            long expired = await DeleteInChunksAsync(sql, "LoggedOutcomes", "\"Id\"", "NOT \"Joined\" AND \"RecordedAt\" < @r", ct,
                ("@r", new DateTimeOffset(now.AddHours(-settings.PendingOutcomeHours)).ToUnixTimeMilliseconds()));
            if (expired > 0)
            {
                log.CountExpiredOutcomes(expired);
                logger.LogWarning("Removed {Count} outcomes that met no prediction within {Hours} hours.", expired,
                    settings.PendingOutcomeHours);
            }
            await sql.ExecuteAsync("DELETE FROM \"MonitoringRollups\" WHERE \"Hour\" < @h", ct,
                ("@h", PredictionIds.HourOf(now.AddDays(-settings.RollupRetentionDays))));
            return removed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<long> DeleteInChunksAsync(MonitoringSql sql, string table, string key, string where, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        long total = 0;
        while (true)
        {
            int deleted = await sql.ExecuteAsync($"DELETE FROM \"{table}\" WHERE {key} IN (SELECT {key} FROM \"{table}\" WHERE {where} " +
                $"ORDER BY {key} LIMIT {Chunk})", ct, parameters);
            total += deleted;
            if (deleted < Chunk) return total;
            await Task.Yield();
        }
    }

    static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>The smallest 16-byte id greater than <paramref name="id"/>.</summary>
    static byte[] Successor(byte[] id)
    {
        var next = (byte[])id.Clone();
        for (int i = next.Length - 1; i >= 0; i--)
            if (++next[i] != 0) break;
        return next;
    }
}
