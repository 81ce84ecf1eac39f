using DefectApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>Keeps the prediction log within its retention (days) and its row cap, oldest rows first, and removes
/// outcomes as old. Each replica may run it: the deletes are idempotent.</summary>
public sealed class PredictionLogRetention(IServiceScopeFactory scopes, IOptions<PredictionLogOptions> options, TimeProvider clock,
    ILogger<PredictionLogRetention> logger) : BackgroundService
{
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

    /// <summary>Rows older than the retention, then the oldest beyond the row cap; returns how many log rows went.</summary>
    public async Task<int> RemoveOldAsync(DefectDbContext db, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        int removed = await db.PredictionLog.Where(p => p.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        await db.Outcomes.Where(o => o.RecordedAt < cutoff).ExecuteDeleteAsync(ct);
        long count = await db.PredictionLog.LongCountAsync(ct);
        long excess = count - options.Value.MaxRows;
        if (excess <= 0) return removed;
        // The oldest row kept: every row before it, by time and then by id, goes.
        var oldestKept = await db.PredictionLog.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Skip((int)Math.Min(excess, int.MaxValue))
            .Select(p => new { p.CreatedAt, p.Id }).FirstAsync(ct);
        removed += await db.PredictionLog.Where(p => p.CreatedAt < oldestKept.CreatedAt
            || (p.CreatedAt == oldestKept.CreatedAt && p.Id < oldestKept.Id)).ExecuteDeleteAsync(ct);
        return removed;
    }
}
