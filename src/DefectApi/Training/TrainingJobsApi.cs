using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Training;

public static class TrainingJobsApi
{
    public static RouteGroupBuilder MapTrainingJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/training-jobs").WithTags("Training jobs").RequireAuthorization(Policies.Train)
            .WithBodyLimit(RequestBodyLimits.SmallJson);

        group.MapPost("/", CreateAsync).WithName("CreateTrainingJob").WithSummary("Queue a training job")
            .WithValidationTitle("Invalid training request")
            .WithDescription("Only datasetId and target are required; every other field has a default. Answers 202 at once; " +
                "follow the job with GET /api/training-jobs/{id} or its /events stream. The job's 'request' shows every default " +
                "it will use. A serve-only replica (Training:Enabled=false) accepts the job too: it waits in the database until " +
                "a replica that trains claims it.");

        group.MapGet("/", ListAsync).WithName("ListTrainingJobs").WithSummary("List training jobs, newest first, optionally by status")
            .WithDescription("At most the 1000 newest jobs; ?status= keeps those in one state.")
            .DocumentsEnumQuery<JobStatus>("status", "Only jobs in this state.");

        group.MapGet("/{id:guid}", GetAsync).WithName("GetTrainingJob").WithSummary("Get a training job and its progress")
            .WithDescription("The job's state, the effective request, the latest epoch's progress, and the model it stored once " +
                "it succeeded.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/events", Events).WithName("FollowTrainingJob")
            .WithSummary("Follow a job: one 'progress' event per epoch, then 'finished'")
            .WithDescription("Server-sent events. Each 'progress' event's data is a ProgressResponse; the last event, 'finished', " +
                "carries the finished TrainingJobResponse. The stream ends after it.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelTrainingJob")
            .WithSummary("Cancel a job (keepBest=true: stop early and keep the best model so far)")
            .WithDescription("A queued job is canceled at once; a running one stops within one batch. 409 once the job has finished.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    static async Task<Results<Accepted<TrainingJobResponse>, ValidationProblem>> CreateAsync(
        TrainingJobRequest request, ClaimsPrincipal caller, DefectDbContext db, TrainingQueue queue, TimeProvider clock,
        CancellationToken ct)
    {
        var errors = TrainingRequestValidator.Check(request, out var options);
        if (errors.Count > 0) return Invalid(errors);
        var dataset = await db.Datasets.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == request.DatasetId && d.Status == DatasetStatus.Ready, ct);
        if (dataset is null)
            return NoDataset(request.DatasetId);
        errors = TrainingRequestValidator.CheckAgainst(options, dataset.ReadColumns(), dataset.RowCount);
        if (errors.Count > 0) return Invalid(errors);

        var order = TrainingRequestValidator.Order(request, options, dataset.Id, dataset.Name);
        var job = new TrainingJob
        {
            Id = Guid.CreateVersion7(), DatasetId = dataset.Id, Status = JobStatus.Queued, CreatedAt = clock.GetUtcNow().UtcDateTime,
            RequestJson = order.ToStorageJson(),
        };
        db.TrainingJobs.Add(job);
        db.Record(caller, clock, AuditActions.JobCreate, AuditTrail.JobTarget(job.Id),
            $"Queued training of '{options.Target}' on the dataset '{dataset.Name}' ({dataset.Id}), " +
            $"to be stored as the model '{order.ModelName}'.");
        try { await db.SaveChangesAsync(ct); }
        catch (Exception e) when (DatabaseErrors.IsForeignKeyViolation(e))
        {
            // The dataset was deleted after it was read above: the database's key refused a job without data.
            return NoDataset(request.DatasetId);
        }
        queue.Notify(job.Id);
        return TypedResults.Accepted($"/api/training-jobs/{job.Id}", job.ToResponse());
    }

    static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Invalid training request");

    static ValidationProblem NoDataset(Guid? id) => Invalid(new()
    { ["datasetId"] = [$"There is no dataset with id '{id}'. Upload one with POST /api/datasets."] });

    static async Task<Results<Ok<TrainingJobList>, ValidationProblem>> ListAsync(DefectDbContext db, string? status, CancellationToken ct)
    {
        var query = db.TrainingJobs.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var wanted) || int.TryParse(status, out _))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["status"] = ["status must be one of queued, running, succeeded, failed, canceled."] }, title: "Invalid filter");
            query = query.Where(j => j.Status == wanted);
        }
        var jobs = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new TrainingJobList(jobs.Select(j => j.ToResponse()).ToList()));
    }

    static async Task<Results<Ok<TrainingJobResponse>, ProblemHttpResult>> GetAsync(Guid id, DefectDbContext db, CancellationToken ct)
    {
        var job = await db.TrainingJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is null ? NotFoundProblems.TrainingJob(id) : TypedResults.Ok(job.ToResponse());
    }

    static async Task<Results<Accepted<TrainingJobResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal caller, DefectDbContext db, RunningJobs running, TimeProvider clock, CancellationToken ct,
        bool keepBest = false)
    {
        var job = await db.TrainingJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return NotFoundProblems.TrainingJob(id);
        if (IsFinished(job.Status))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job already finished",
                detail: $"The job is {TrainingJobMapping.StatusName(job.Status)}; only queued or running jobs can be canceled.");
        // The flag goes to the database before the signal: a worker that has just claimed the job reads it after
        // registering for signals, so either the signal or the flag reaches it. The flag, the state of a queued job
        // and the audit entry are written together.
        var now = clock.GetUtcNow().UtcDateTime;
        int canceledWhileQueued;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.TrainingJobs.Where(j => j.Id == id)
                .ExecuteUpdateAsync(s =>
                    s.SetProperty(j => j.CancelRequested, !keepBest).SetProperty(j => j.KeepBestRequested, keepBest), ct);
            canceledWhileQueued = await db.TrainingJobs.Where(j => j.Id == id && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Canceled).SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.Error, "Canceled by request before it started."), ct);
            db.Record(caller, clock, keepBest ? AuditActions.JobStop : AuditActions.JobCancel, AuditTrail.JobTarget(id),
                (keepBest, canceledWhileQueued) switch
                {
                    (_, > 0) => "Canceled the job while it was queued.",
                    (true, _) => "Asked the running job to stop early and keep the best model so far.",
                    _ => "Asked the running job to cancel; it stops within one batch and stores no model.",
                });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (canceledWhileQueued == 0) running.Signal(id, keepBest);
        job = await db.TrainingJobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
        return TypedResults.Accepted($"/api/training-jobs/{id}", job.ToResponse());
    }

    static async Task<Results<ServerSentEventsResult<object>, ProblemHttpResult>> Events(
        Guid id, DefectDbContext db, JobEvents events, CancellationToken ct)
    {
        if (!await db.TrainingJobs.AnyAsync(j => j.Id == id, ct)) return NotFoundProblems.TrainingJob(id);
        return TypedResults.ServerSentEvents(Stream(id, db, events, ct));
    }

    static async IAsyncEnumerable<SseItem<object>> Stream(Guid id, DefectDbContext db, JobEvents events,
        [EnumeratorCancellation] CancellationToken ct)
    {
        // Subscribe before reading the job so that no epoch falls between the two.
        using var subscription = events.Subscribe(id);
        var job = await db.TrainingJobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
        var sent = job.ProgressJson;
        if (job.ToResponse().Progress is { } last) yield return new SseItem<object>(last, "progress");
        while (!IsFinished(job.Status))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(RemotePollInterval);
            JobEvent? next = null;
            try { next = await subscription.Reader.ReadAsync(wait.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            if (next is JobProgressEvent progress) { yield return new SseItem<object>(progress.Progress, "progress"); continue; }
            // Finished, or quiet for a moment (the job may be trained by another replica, which writes its progress to
            // the job's row a few times a second): ask the database.
            job = await db.TrainingJobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
            if (job.ProgressJson != sent && !IsFinished(job.Status) && job.ToResponse().Progress is { } stored)
            {
                sent = job.ProgressJson;
                yield return new SseItem<object>(stored, "progress");
            }
        }
        yield return new SseItem<object>(job.ToResponse(), "finished");
    }

    static readonly TimeSpan RemotePollInterval = TimeSpan.FromMilliseconds(500);

    static bool IsFinished(JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

}
