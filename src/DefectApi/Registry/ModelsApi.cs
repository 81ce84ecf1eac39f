using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Security;
using DefectApi.Tabular.Export;
using DefectApi.Tabular.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Registry;

public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/models").WithTags("Models");

        group.MapGet("/", ListAsync).WithName("ListModels").WithSummary("List models, newest first")
            .WithDescription("Each model's name, version, task and metrics, without its curves.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/{id:guid}", GetAsync).WithName("GetModel")
            .WithSummary("Get a model: inputs, metrics, training history and threshold table")
            .WithDescription("What the model needs (inputs), what it dropped and why, its metrics on out-of-fold predictions, " +
                "its training history, and for binary models the threshold table; for regression models a sample of validation " +
                    "predictions.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteModel")
            .WithSummary("Delete a model (409 while a deployment points at it)")
            .WithDescription("Deletes the model's weights, preprocessing and history.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/threshold", SetThresholdAsync).WithName("SetModelThreshold").WithValidationTitle("Invalid threshold")
            .WithSummary("Binary models: set the decision threshold, or derive it from the costs of errors")
            .WithDescription("Send { \"threshold\": 0.35 }, or { \"falsePositiveCost\": 1, \"falseNegativeCost\": 20 } for the " +
                "threshold with the least expected cost. Answers the model with its metrics at the new threshold; 400 for a " +
                    "model that is not binary.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Train).WithBodyLimit(RequestBodyLimits.SmallJson);
        group.MapGet("/{id:guid}/onnx", OnnxAsync).WithName("ExportModelToOnnx").WithSummary("Download the whole scorer as one ONNX model")
            .WithDescription("Preprocessing, every ensemble network, averaging and output function in one ONNX file (opset 21) " +
                "that ONNX Runtime scores as the service does; inputs are named after the model's columns. README, \"ONNX " +
                    "export\", names the inputs and outputs. 409 names a step of this model that ONNX cannot express exactly.")
            .DocumentsFileAnswer("application/octet-stream", "The ONNX model (<name>-v<version>.onnx), its metadata naming the " +
                "model, version, target, task, threshold and classes.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Read);
        return group;
    }

    static async Task<Ok<ModelList>> ListAsync(DefectDbContext db, ModelCache cache, CancellationToken ct)
    {
        var ids = await db.Models.AsNoTracking().OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Select(m => m.Id)
            .ToListAsync(ct);
        var items = new List<ModelSummary>(ids.Count);
        foreach (var id in ids)
            if (await cache.GetAsync(id, ct, admit: false) is { } entry) items.Add(entry.Model.ToSummary(entry.Artifact));
        return TypedResults.Ok(new ModelList(items));
    }

    static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> GetAsync(Guid id, ModelCache cache, CancellationToken ct) =>
        await cache.GetAsync(id, ct) is { } entry ? TypedResults.Ok(entry.Model.ToResponse(entry.Artifact)) : NotFoundProblems.Model(id);

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal caller, DefectDbContext db,
        ModelCache cache, TimeProvider clock, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var model = await db.Models.Where(m => m.Id == id).Select(m => new { m.Name, m.Version }).FirstOrDefaultAsync(ct);
        if (model is null) return NotFoundProblems.Model(id);
        var deployments = await db.Deployments.Where(d => d.ModelId == id).Select(d => d.Name).ToListAsync(ct);
        if (deployments.Count > 0) return Deployed(deployments);
        try
        {
            await db.Models.Where(m => m.Id == id).ExecuteDeleteAsync(ct);
            db.Record(caller, clock, AuditActions.ModelDelete, AuditTrail.ModelTarget(id),
                $"Deleted the model {model.Name} v{model.Version}.");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (DatabaseErrors.IsForeignKeyViolation(e))
        {
            // A deployment was pointed at the model after the check above (on another replica, say): the database's
            // key refused the delete. (PostgreSQL reads nothing more in a failed transaction.)
            await transaction.RollbackAsync(CancellationToken.None);
            return Deployed(await db.Deployments.AsNoTracking().Where(d => d.ModelId == id).Select(d => d.Name).ToListAsync(ct));
        }
        finally { cache.Invalidate(id); }
        return TypedResults.NoContent();
    }

    static ProblemHttpResult Deployed(IReadOnlyList<string> deployments) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Model is deployed",
            detail: $"Deployment(s) {string.Join(", ", deployments)} point at this model. Move or delete them first.");

    static async Task<Results<Ok<ModelResponse>, ValidationProblem, ProblemHttpResult>> SetThresholdAsync(
        Guid id, ThresholdRequest request, ClaimsPrincipal caller, DefectDbContext db, ModelCache cache, TimeProvider clock,
            CancellationToken ct)
    {
        var entry = await cache.GetAsync(id, ct);
        if (entry is null) return NotFoundProblems.Model(id);
        if (entry.Artifact.Task != TaskKind.Binary)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a binary model",
                detail: $"This is a {entry.Artifact.Task.WireName()} model; only binary models have a decision threshold.");
        var updated = request.Threshold is { } value
            ? entry.Artifact.WithThreshold(value)
            : entry.Artifact.WithCostThreshold(request.FalsePositiveCost!.Value, request.FalseNegativeCost!.Value);
        var bytes = updated.ToBytes();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The revision tells every replica's cache that the stored artifact changed.
        var stored = await db.Models.Where(m => m.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Artifact, bytes).SetProperty(m => m.Revision, m => m.Revision + 1), ct);
        if (stored > 0)
        {
            var costs = request.Threshold is null ? $", the least expected cost for false positives at " +
                $"{request.FalsePositiveCost} and false negatives at {request.FalseNegativeCost}" : "";
            db.Record(caller, clock, AuditActions.ModelThreshold, AuditTrail.ModelTarget(id),
                $"Set the threshold of {entry.Model.Name} v{entry.Model.Version} from {entry.Artifact.Threshold:0.####} to " +
                    $"{updated.Threshold:0.####}{costs}.");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        cache.Invalidate(id);
        return stored == 0 ? NotFoundProblems.Model(id) : TypedResults.Ok(entry.Model.ToResponse(updated));
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> OnnxAsync(Guid id, ModelCache cache, CancellationToken ct)
    {
        if (await cache.GetAsync(id, ct) is not { } entry) return NotFoundProblems.Model(id);
        try
        {
            var onnx = entry.Artifact.ToOnnx(entry.Model.Name, entry.Model.Version);
            return TypedResults.File(onnx, "application/octet-stream", $"{entry.Model.Name}-v{entry.Model.Version}.onnx");
        }
        catch (OnnxExportException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Model cannot be exported to ONNX",
                detail: e.Message, extensions: new Dictionary<string, object?> { ["step"] = e.Step });
        }
    }
}
