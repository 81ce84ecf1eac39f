using System.IO.Pipelines;
using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Http;
using DefectApi.Registry;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <param name="From">first instant (UTC); left out: the oldest answer kept</param>
/// <param name="To">end (UTC, exclusive); left out: now</param>
/// <param name="WithOutcomesOnly">only answers whose actual result is known (rows a model can learn from)</param>
public sealed record LogDatasetRequest(DateTime? From, DateTime? To, bool WithOutcomesOnly = true);

/// <summary>The prediction log as data: streamed as CSV, or stored as a dataset to train the next model on what the
/// line really saw.</summary>
public static class LogApi
{
    public static RouteGroupBuilder MapPredictionLogApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/deployments").WithTags("Monitoring");
        group.MapGet("/{name}/log", GetLogAsync).WithName("GetPredictionLog").WithSummary("The logged records as CSV")
            .WithDescription("Streams every answer logged through the deployment in [from, to) (default: all that is kept), " +
                "oldest first: the records' columns as sent, then prediction (the label, or the value), modelId, loggedAt and " +
                "actual (empty where no outcome is known).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        group.MapPost("/{name}/dataset", PostDatasetAsync).WithName("CreateDatasetFromLog").WithSummary("Turn the log into a dataset")
            .WithDescription("Stores the logged records of [from, to) (default: all that is kept; withOutcomesOnly defaults to " +
                "true) as a dataset, as an upload of them would be: the records' columns as sent, with the actual result as the model's " +
                "target column, so retraining on what the line saw is one call. 400 when no answer matches.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Train);
        return group;
    }

    static async Task<Results<LogCsv, ValidationProblem, ProblemHttpResult>> GetLogAsync(string name, DateTime? from, DateTime? to,
        DefectDbContext db, LogSegments segments, TimeProvider clock, CancellationToken ct)
    {
        if (!await db.Deployments.AnyAsync(d => d.Name == name, ct)) return NotFoundProblems.Deployment(name);
        var (start, end, errors) = MonitoringApi.Range(from ?? DateTime.UnixEpoch, to, clock);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid range");
        return new LogCsv(new LogExport(db, segments), name, start, end);
    }

    /// <summary>Streams the CSV as it is read.</summary>
    internal sealed class LogCsv(LogExport export, string deployment, DateTime from, DateTime to) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{deployment}-log.csv\"";
            await export.WriteAsync(deployment, from, to, withOutcomesOnly: false, target: null, http.Response.Body, http.RequestAborted);
        }
    }

    static async Task<Results<Created<DatasetResponse>, ValidationProblem, ProblemHttpResult>> PostDatasetAsync(string name,
        LogDatasetRequest? request, DefectDbContext db, IDbContextFactory<DefectDbContext> dbs, LogSegments segments, ModelCache models,
        DatasetStore store, ClaimsPrincipal caller, TimeProvider clock, CancellationToken ct)
    {
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, ct);
        if (deployment is null) return NotFoundProblems.Deployment(name);
        var (start, end, errors) = MonitoringApi.Range(request?.From ?? DateTime.UnixEpoch, request?.To, clock);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid range");
        var target = (await models.GetAsync(deployment.ModelId, ct))!.Artifact.Target;
        bool withOutcomesOnly = request?.WithOutcomesOnly ?? true;

        // The export writes into a pipe that the upload path reads: the log is never held in memory.
        var pipe = new Pipe();
        long rows = 0;
        var writing = Task.Run(async () =>
        {
            await using var exportDb = await dbs.CreateDbContextAsync(ct);
            await using var sink = pipe.Writer.AsStream();
            rows = await new LogExport(exportDb, segments).WriteAsync(name, start, end, withOutcomesOnly, target, sink, ct);
        }, ct);
        DatasetStore.Staged staged;
        try
        {
            staged = await store.StageAsync(pipe.Reader.AsStream(), ',', '.', ct);
        }
        catch (Tabular.Csv.CsvFormatException)
        {
            // A header alone is no dataset: say so in the log's terms when that is why.
            await Finished(writing);
            if (rows == 0) return NothingLogged(name, withOutcomesOnly);
            throw;
        }
        await writing;
        if (rows == 0)
        {
            await store.DiscardAsync(staged.Id);
            return NothingLogged(name, withOutcomesOnly);
        }
        var period = $"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}";
        var datasetName = $"{name} log {(start == DateTime.UnixEpoch ? "" : period)}".Trim();
        var audit = AuditTrail.Entry(caller, clock, AuditActions.DatasetFromLog, AuditTrail.DatasetTarget(staged.Id),
            $"Made the dataset '{datasetName}' of {rows} answers logged through '{name}' from {start:O} to {end:O}" +
            (withOutcomesOnly ? ", those with an outcome." : ", with or without an outcome."));
        var (dataset, _) = await store.PublishAsync(staged, datasetName, audit, ct);
        return TypedResults.Created($"/api/datasets/{dataset.Id}", dataset.ToResponse());
    }

    static async Task<bool> Finished(Task writing)
    {
        try { await writing; } catch (Exception) { }
        return true;
    }

    static ValidationProblem NothingLogged(string name, bool withOutcomesOnly) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]>
        {
            ["from"] = [$"No answer logged through '{name}' in this " +
        $"range{(withOutcomesOnly ? " has an outcome yet (set withOutcomesOnly to false to take them all)" : "")}."]
        },
        title: "Nothing to make a dataset of");
}
