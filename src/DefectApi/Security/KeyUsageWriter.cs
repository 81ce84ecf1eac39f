using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Security;

/// <summary>Writes when each key was last used, every few seconds and in one batch: a request only stamps its key in
/// memory (<see cref="AcceptedKey.MarkUsed"/>), so the predict path never waits for, or adds load to, the database. The
/// last stamps are written as the service stops.</summary>
public sealed partial class KeyUsageWriter(IServiceScopeFactory scopes, KeyRing keys, TimeProvider clock, ILogger<KeyUsageWriter> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan QuietLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>The last use written per key name; touched by one flush at a time (the loop, then the final flush).</summary>
    readonly Dictionary<string, DateTime> _written = new(StringComparer.Ordinal);
    DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await TryFlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await TryFlushAsync(cancellationToken);
    }

    async Task TryFlushAsync(CancellationToken ct)
    {
        try { await FlushAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Another replica inserted the same key's first use at the same moment: the next flush updates its row.
            if (DatabaseErrors.IsUniqueViolation(e) || clock.GetUtcNow() - _lastFailureLog < QuietLogInterval) return;
            _lastFailureLog = clock.GetUtcNow();
            LogFlushFailed(e);
        }
    }

    async Task FlushAsync(CancellationToken ct)
    {
        var due = new List<(string Name, DateTime Used)>();
        foreach (var key in keys.Keys)
            if (key.LastUsed is { } used && (!_written.TryGetValue(key.Name, out var written) || used > written)) due.Add((key.Name, used));
        if (due.Count == 0) return;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var names = due.Select(d => d.Name).ToList();
        var rows = await db.ApiKeyUses.Where(u => names.Contains(u.Name)).ToDictionaryAsync(u => u.Name, ct);
        foreach (var (name, used) in due)
            if (!rows.TryGetValue(name, out var row)) db.ApiKeyUses.Add(new ApiKeyUse { Name = name, LastUsedAt = used });
            // Another replica may have written a later use of the same key.
            else if (row.LastUsedAt < used) row.LastUsedAt = used;
        await db.SaveChangesAsync(ct);
        foreach (var (name, used) in due) _written[name] = used;
    }

    [LoggerMessage(LogLevel.Warning, "Cannot write when API keys were last used; trying again in a few seconds")]
    partial void LogFlushFailed(Exception e);
}
