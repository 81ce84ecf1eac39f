using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Training;

/// <summary>A replica's hold on the job it trains. Twice a second it reads the job's stop flags (a cancel or "stop, keep
/// best" sent to any replica lands there), and every third of the lease it renews the lease. When the renewal finds
/// the job held by someone else (this replica was cut off from the database for longer than the lease and another
/// replica took the job over), training stops and nothing of it is written.</summary>
internal sealed partial class JobLease : IAsyncDisposable
{
    static readonly TimeSpan FlagInterval = TimeSpan.FromMilliseconds(500);

    readonly IServiceScopeFactory _scopes;
    readonly RunningJobs _running;
    readonly TimeProvider _clock;
    readonly ILogger _logger;
    readonly Guid _jobId;
    readonly string _owner;
    readonly TimeSpan _lease;
    // Never disposed: it owns no timer or handle, and disposing it would race a second DisposeAsync.
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    DateTimeOffset _renewedAt;

    public JobLease(IServiceScopeFactory scopes, RunningJobs running, TimeProvider clock, ILogger logger, Guid jobId, string owner,
        TimeSpan lease)
    {
        (_scopes, _running, _clock, _logger, _jobId, _owner, _lease) = (scopes, running, clock, logger, jobId, owner, lease);
        _renewedAt = clock.GetUtcNow();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Set once the job turned out to be held by another replica.</summary>
    public bool Lost { get; private set; }

    async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(FlagInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try { await BeatAsync(); }
                catch (Exception e) when (e is not OperationCanceledException) { LogBeatFailed(_logger, e, _jobId); }
            }
        }
        catch (OperationCanceledException) { }
    }

    async Task BeatAsync()
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var now = _clock.GetUtcNow();
        if (now - _renewedAt >= _lease / 3)
        {
            var until = now.UtcDateTime + _lease;
            var renewed = await db.TrainingJobs.Where(j => j.Id == _jobId && j.LeaseOwner == _owner && j.Status == JobStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), _stop.Token);
            if (renewed == 0)
            {
                Lost = true;
                LogLeaseLost(_logger, _jobId);
                _running.Signal(_jobId, keepBest: false);
                return;
            }
            _renewedAt = now;
        }
        var flags = await db.TrainingJobs.AsNoTracking().Where(j => j.Id == _jobId)
            .Select(j => new { j.CancelRequested, j.KeepBestRequested }).SingleAsync(_stop.Token);
        if (flags.CancelRequested || flags.KeepBestRequested) _running.Signal(_jobId, keepBest: !flags.CancelRequested);
    }

    /// <summary>Stops renewing; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _loop;
    }

    [LoggerMessage(LogLevel.Warning, "Could not renew the lease of training job {JobId} or read its stop flags; trying again")]
    static partial void LogBeatFailed(ILogger logger, Exception e, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Training job {JobId} is held by another replica now (this one lost its lease); stopping it here")]
    static partial void LogLeaseLost(ILogger logger, Guid jobId);
}
