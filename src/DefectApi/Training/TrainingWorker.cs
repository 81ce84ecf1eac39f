using System.Text.Json;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Training;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Training;

/// <summary>Runs queued training jobs in the background, oldest first, <see cref="TrainingQueueOptions.MaxConcurrentJobs"/>
/// at a time in each replica. The database is the queue: a worker claims a job with a conditional update and holds a
/// lease it renews while training (<see cref="JobLease"/>), so a job whose replica died is found by its lapsed lease and
/// finished by another. With <see cref="TrainingQueueOptions.Enabled"/> false it claims nothing: the replica serves only.
/// Jobs train on threads of their own below normal priority, within the cores <see cref="TrainingCores"/> allows.</summary>
public sealed partial class TrainingWorker(
    IServiceScopeFactory scopes, TrainingQueue queue, RunningJobs running, JobEvents events, TrainingMetrics metrics, TrainingCores cores,
    IOptions<TrainingQueueOptions> options, DatabaseConnection database, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);
    readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        // Told to stop, the worker hands its job back to the queue at once and claims no other, rather than at the end of
        // the drain (Shutdown:DrainSeconds) that keeps the replica serving: another replica can take the job meanwhile.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        if (!options.Value.Enabled)
        {
            // Not even the requeue below: on PostgreSQL the replicas that train requeue lapsed jobs, and on SQLite a
            // later start with training on does.
            LogServeOnly();
            return;
        }
        // One SQLite file serves one process: whatever it left running was this process's before a crash. Replicas on
        // PostgreSQL may be training right now: only lapsed leases tell that a replica died.
        try { await RequeueAbandonedAsync(atStart: database.Provider == DatabaseProvider.Sqlite, stoppingToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogWorkerError(e); }
        var loops = Enumerable.Range(0, options.Value.MaxConcurrentJobs)
            .Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken));
        await Task.WhenAll(loops);
    }

    async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var jobId = await ClaimNextAsync(stoppingToken);
                if (jobId is { } id) await RunAsync(id, stoppingToken);
                else
                {
                    await queue.WaitAsync(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
                    await RequeueAbandonedAsync(atStart: false, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e)
            {
                // A failing database must not end the worker: wait and try again.
                LogWorkerError(e);
                await Task.Delay(ErrorBackoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Jobs whose worker vanished go back to the queue (or fail, once they have been tried
    /// <see cref="TrainingQueueOptions.MaxAttempts"/> times): those whose lease lapsed, and at start on SQLite every one
    /// not held by this process.</summary>
    async Task RequeueAbandonedAsync(bool atStart, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var maxAttempts = options.Value.MaxAttempts;
        var abandoned = db.TrainingJobs.Where(j =>
            j.Status == JobStatus.Running && j.LeaseOwner != _owner && (atStart || j.LeaseExpiresAt < now));
        var failed = await abandoned.Where(j => j.Attempts >= maxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(j => j.Error, $"The process training this job stopped {maxAttempts} times before it finished " +
                    "(Training:MaxAttempts). The service log of those processes says why; a smaller job (fewer rows, " +
                    "epochs or ensemble members) may fit."), ct);
        var requeued = await abandoned.Where(j => j.Attempts < maxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued).SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct);
        if (requeued > 0) LogRequeued(requeued);
        if (failed > 0)
        {
            LogGaveUp(failed);
            metrics.RecordJobsFinished(JobStatus.Failed, failed);
        }
    }

    async Task<Guid?> ClaimNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidate = await db.TrainingJobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued)
                .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);
            if (candidate is null) return null;
            var now = clock.GetUtcNow().UtcDateTime;
            // The conditional update is the claim: of two replicas that pick the same job, one changes the row and the
            // other finds it no longer queued (PostgreSQL re-checks the condition after the first commits).
            var claimed = await db.TrainingJobs.Where(j => j.Id == candidate && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.LeaseOwner, _owner).SetProperty(j => j.LeaseExpiresAt, now + Lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1).SetProperty(j => j.ProgressJson, (string?)null), ct);
            if (claimed == 1) return candidate;
        }
        return null;
    }

    async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        using var control = running.Start(jobId);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(control.Cancel.Token, stoppingToken);
        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId });
        var lease = new JobLease(scopes, running, clock, logger, jobId, _owner, Lease);
        try
        {
            await ApplyRequestedStopAsync(jobId, control);
            // A thread of its own, not the pool's: the pool serves requests, and this thread's priority is lowered for good.
            var outcome = await TrainingThreads.RunBelowNormal("training job", () => Train(jobId, control.StopEarly.Token, cancel.Token));
            await lease.DisposeAsync();
            await CompleteAsync(jobId, outcome.Order, outcome.Result, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the job goes back to the queue and runs again after restart; this try does not count.
            await FinishAsync(jobId, JobStatus.Queued, null, attemptsDelta: -1);
            LogRequeuedOnShutdown(jobId);
        }
        catch (OperationCanceledException) when (lease.Lost)
        {
            // Another replica holds the job now and writes its outcome.
        }
        catch (OperationCanceledException)
        {
            await FinishAsync(jobId, JobStatus.Canceled, "Canceled by request.");
        }
        catch (TrainingDataException e)
        {
            await FinishAsync(jobId, JobStatus.Failed, e.Message);
            LogJobFailed(jobId, e.Message);
        }
        catch (Exception e)
        {
            LogJobCrashed(e, jobId);
            await FinishAsync(jobId, JobStatus.Failed, $"Training failed unexpectedly ({e.GetType().Name}). The error is in the " +
                "service log.");
        }
        finally
        {
            await lease.DisposeAsync();
            running.Finish(jobId);
            events.Publish(jobId, new JobFinishedEvent());
        }
    }

    sealed record TrainedJob(TrainingOrder Order, TrainingOutcome Result);

    TrainedJob Train(Guid jobId, CancellationToken stopEarly, CancellationToken cancel)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var job = db.TrainingJobs.AsNoTracking().Single(j => j.Id == jobId);
        var order = ReadOrder(job.RequestJson);
        var dataset = db.Datasets.AsNoTracking().FirstOrDefault(d => d.Id == job.DatasetId && d.Status == DatasetStatus.Ready)
            ?? throw new TrainingDataException($"Dataset '{job.DatasetId}' no longer exists. Upload it again and start a new job.");
        using var datasetScope = logger.BeginScope(new Dictionary<string, object> { ["DatasetId"] = dataset.Id });
        var chunks = db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == dataset.Id).OrderBy(c => c.Index).Select(c => c.Data)
            .AsEnumerable();
        var frame = TabularFrame.FromChunks(dataset.ReadColumns(), chunks);
        var progress = new ProgressWriter(scopes, events, metrics, jobId, clock);
        var result = TabularTrainer.Train(frame, order.Options, progress.Report, cancel, stopEarly, cores.Slots);
        progress.Flush();
        return new TrainedJob(order, result);
    }

    /// <summary>A row no version of this service wrote (edited by hand, say) fails its job with a reason.</summary>
    static TrainingOrder ReadOrder(string requestJson)
    {
        try { return TrainingOrder.FromStorageJson(requestJson); }
        catch (JsonException e)
        {
            throw new TrainingDataException($"The job's stored request cannot be read ({e.Message}). Start a new job.");
        }
    }

    /// <summary>Stores the model and marks the job succeeded in one transaction. A database that is briefly unreachable
    /// (a restart, a fail-over) does not waste the training: the write is tried again until the lease would lapse.</summary>
    async Task CompleteAsync(Guid jobId, TrainingOrder order, TrainingOutcome outcome, CancellationToken stoppingToken)
    {
        var giveUpAt = clock.GetUtcNow() + Lease;
        var versionConflicts = 0;
        while (true)
        {
            try
            {
                await StoreModelAsync(jobId, order, outcome);
                return;
            }
            catch (Exception e) when (Data.DatabaseErrors.IsUniqueViolation(e) && ++versionConflicts < 10)
            {
                // Another replica stored a model of the same name at the same moment and took the version number:
                // read the latest version again and take the next one.
            }
            catch (Exception e) when (Data.DatabaseErrors.Unavailable(e) is not null && clock.GetUtcNow() < giveUpAt)
            {
                LogWorkerError(e);
                await Task.Delay(ErrorBackoff, clock, stoppingToken);
            }
        }
    }

    async Task StoreModelAsync(Guid jobId, TrainingOrder order, TrainingOutcome outcome)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var job = await db.TrainingJobs.SingleAsync(j => j.Id == jobId);
        if (job.Status != JobStatus.Running || job.LeaseOwner != _owner) return;
        var version = (await db.Models.Where(m => m.Name == order.ModelName).MaxAsync(m => (int?)m.Version) ?? 0) + 1;
        var now = clock.GetUtcNow().UtcDateTime;
        var validation = outcome.Validation?.ToResponse();
        var model = new Model
        {
            Id = Guid.CreateVersion7(), Name = order.ModelName, Version = version, Task = outcome.Artifact.Task,
            Target = outcome.Artifact.Target, DatasetId = job.DatasetId ?? order.DatasetId, JobId = jobId, CreatedAt = now,
            HistoryJson = JsonSerializer.Serialize(outcome.History, TrainingJobMapping.StorageJson), Artifact = outcome.Artifact.ToBytes(),
            ValidationJson = validation is null ? null : ValidationMapping.ToStorageJson(validation),
        };
        db.Models.Add(model);
        job.Status = JobStatus.Succeeded;
        job.ModelId = model.Id;
        if (validation is not null && job.ProgressJson is { } progress)
            job.ProgressJson = JsonSerializer.Serialize(
                JsonSerializer.Deserialize<ProgressResponse>(progress, TrainingJobMapping.StorageJson)! with { Validation = validation },
                TrainingJobMapping.StorageJson);
        job.FinishedAt = now;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        metrics.RecordJobsFinished(JobStatus.Succeeded);
        LogJobSucceeded(jobId, model.Id, model.Name, model.Version);
    }

    /// <summary>Ends this replica's run of a job, only while it still holds the job.</summary>
    async Task FinishAsync(Guid jobId, JobStatus status, string? error, int attemptsDelta = 0)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            DateTime? finishedAt = status == JobStatus.Queued ? null : clock.GetUtcNow().UtcDateTime;
            var ended = await db.TrainingJobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, status).SetProperty(j => j.Error, error)
                    .SetProperty(j => j.FinishedAt, finishedAt).SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null).SetProperty(j => j.Attempts, j => j.Attempts + attemptsDelta));
            if (ended == 1 && status != JobStatus.Queued) metrics.RecordJobsFinished(status);
        }
        catch (Exception e) when (Data.DatabaseErrors.Unavailable(e) is not null)
        {
            // The lease lapses and another replica (or this one after a restart) runs the job again.
            LogWorkerError(e);
        }
    }

    /// <summary>A cancel requested before this worker registered for signals, or sent to another replica, is in the
    /// job's row.</summary>
    async Task ApplyRequestedStopAsync(Guid jobId, RunningJobs.Control control)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (cancel, keepBest) = await ReadStopFlagsAsync(scope.ServiceProvider.GetRequiredService<DefectDbContext>(), jobId);
        if (cancel) await control.Cancel.CancelAsync();
        if (keepBest) await control.StopEarly.CancelAsync();
    }

    static async Task<(bool Cancel, bool KeepBest)> ReadStopFlagsAsync(DefectDbContext db, Guid jobId)
    {
        var flags = await db.TrainingJobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.CancelRequested, j.KeepBestRequested }).SingleAsync();
        return (flags.CancelRequested, flags.KeepBestRequested);
    }

    [LoggerMessage(LogLevel.Information, "Training is off on this replica (Training:Enabled=false): it serves predictions; the " +
        "jobs it accepts wait for a replica with training on")]
    partial void LogServeOnly();

    [LoggerMessage(LogLevel.Error, "Training worker error; retrying")]
    partial void LogWorkerError(Exception e);

    [LoggerMessage(LogLevel.Warning, "Re-queued {Count} training jobs left running by a stopped process")]
    partial void LogRequeued(int count);

    [LoggerMessage(LogLevel.Error, "Gave up on {Count} training jobs whose process stopped too many times")]
    partial void LogGaveUp(int count);

    [LoggerMessage(LogLevel.Information, "Training job {JobId} stopped by shutdown and queued again")]
    partial void LogRequeuedOnShutdown(Guid jobId);

    [LoggerMessage(LogLevel.Information, "Training job {JobId} failed: {Reason}")]
    partial void LogJobFailed(Guid jobId, string reason);

    [LoggerMessage(LogLevel.Error, "Training job {JobId} crashed")]
    partial void LogJobCrashed(Exception e, Guid jobId);

    [LoggerMessage(LogLevel.Information, "Training job {JobId} succeeded: model {ModelId} ({ModelName} v{ModelVersion})")]
    partial void LogJobSucceeded(Guid jobId, Guid modelId, string modelName, int modelVersion);
}
