using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Security;
using DefectApi.Tabular.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Deployments;

/// <param name="ShadowModelId">a challenger of the same target, scored on every request and never returned; null or
/// left out: none</param>
/// <param name="KeyColumns">columns of the records that identify a part (a serial), at most three: their values are
/// indexed as answers are logged, so outcomes can name the part (keyColumn) instead of the prediction id. Left out:
/// kept as they are; an empty list declares none. Counts for answers logged from then on.</param>
public sealed record DeploymentRequest([property: Required(ErrorMessage = "modelId is required.")] Guid? ModelId,
    Guid? ShadowModelId = null, IReadOnlyList<string>? KeyColumns = null);
public sealed record DeploymentResponse(string Name, Guid ModelId, Guid? ShadowModelId, IReadOnlyList<string> KeyColumns,
    DateTime UpdatedAt);
public sealed record DeploymentHistoryResponse(Guid ModelId, DateTime DeployedAt);
/// <param name="History">the models it pointed at, newest first (the last 100)</param>
/// <param name="Changes">who changed it and how, newest first (the last 100 audit entries of this deployment)</param>
public sealed record DeploymentDetails(string Name, Guid ModelId, Guid? ShadowModelId, IReadOnlyList<string> KeyColumns, DateTime UpdatedAt,
    IReadOnlyList<DeploymentHistoryResponse> History, IReadOnlyList<AuditItem> Changes);
public sealed record DeploymentList(IReadOnlyList<DeploymentResponse> Items);

public static class DeploymentsApi
{
    public static RouteGroupBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/deployments").WithTags("Deployments");

        group.MapGet("/", ListAsync).WithName("ListDeployments").WithSummary("List deployments")
            .WithDescription("Every deployment name, the model it points at and since when.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/{name}", GetAsync).WithName("GetDeployment")
            .WithSummary("Get a deployment and its history (which model, from when, by whom)")
            .WithDescription("The model the name points at now, the last 100 moves, and the last 100 changes with the key that " +
                "made each, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        group.MapPut("/{name}", PutAsync).WithName("PutDeployment").WithValidationTitle("Invalid deployment")
            .WithSummary("Point a deployment at a model (create, roll forward or roll back)")
            .WithDescription("Creates the name or moves it; callers of the name get the new model from their next request on. A " +
                "name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.")
            .RequireAuthorization(Policies.Admin).WithBodyLimit(RequestBodyLimits.SmallJson);
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteDeployment").WithSummary("Delete a deployment")
            .WithDescription("Removes the name; the model stays.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Admin);
        return group;
    }

    const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";
    const string NameRule = "A deployment name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.";

    static async Task<Ok<DeploymentList>> ListAsync(DefectDbContext db, CancellationToken ct) =>
        TypedResults.Ok(new DeploymentList(await db.Deployments.AsNoTracking().OrderBy(d => d.Name)
            .Select(d => new DeploymentResponse(d.Name, d.ModelId, d.ShadowModelId, d.KeyColumns, d.UpdatedAt)).ToListAsync(ct)));

    static async Task<Results<Ok<DeploymentDetails>, ProblemHttpResult>> GetAsync(string name, DefectDbContext db, CancellationToken ct)
    {
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, ct);
        if (deployment is null) return NotFoundProblems.Deployment(name);
        var history = await db.DeploymentHistory.AsNoTracking().Where(h => h.DeploymentName == name)
            .OrderByDescending(h => h.Id).Take(100).Select(h => new DeploymentHistoryResponse(h.ModelId, h.DeployedAt)).ToListAsync(ct);
        var changes = await AuditApi.LatestForAsync(db, AuditTrail.DeploymentTarget(name), 100, ct);
        return TypedResults.Ok(new DeploymentDetails(deployment.Name, deployment.ModelId, deployment.ShadowModelId,
            deployment.KeyColumns, deployment.UpdatedAt, history, changes));
    }

    static async Task<Results<Ok<DeploymentResponse>, ValidationProblem>> PutAsync(
        [RegularExpression(NamePattern, ErrorMessage = NameRule)] string name, DeploymentRequest request, ClaimsPrincipal caller,
            DefectDbContext db,
        DeploymentRoutes routes, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var champion = await db.Models.AsNoTracking().Where(m => m.Id == request.ModelId).Select(m => new { m.Task, m.Target })
            .FirstOrDefaultAsync(ct);
        if (champion is null) errors["modelId"] = [$"There is no model with id '{request.ModelId}'."];
        if (request.ShadowModelId is { } shadowId)
        {
            var shadow = await db.Models.AsNoTracking().Where(m => m.Id == shadowId).Select(m => new { m.Task, m.Target })
                .FirstOrDefaultAsync(ct);
            if (shadow is null) errors["shadowModelId"] = [$"There is no model with id '{shadowId}'."];
            else if (shadowId == request.ModelId) errors["shadowModelId"] = ["The shadow must be another model than modelId: a " +
                "model cannot challenge itself."];
            else if (champion is not null && (shadow.Task != champion.Task || shadow.Target != champion.Target))
                errors["shadowModelId"] = [$"The shadow predicts '{shadow.Target}' ({shadow.Task.WireName()}) but the " +
                    $"deployment's model predicts '{champion.Target}' ({champion.Task.WireName()}): a challenger must answer the " +
                        "same question."];
        }
        if (request.KeyColumns is { } keys && KeyColumnsProblem(keys) is { } keyProblem) errors["keyColumns"] = [keyProblem];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid deployment");

        var modelId = request.ModelId!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        IReadOnlyList<string> keyColumns = [];
        // Two replicas may create the same name at once: the loser of that race finds the row and moves it instead.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                keyColumns = await MoveAsync(db, caller, clock, name, modelId, request.ShadowModelId, request.KeyColumns, now, ct);
                break;
            }
            catch (Exception e) when (DatabaseErrors.IsForeignKeyViolation(e))
            {
                // The model was deleted after the check above: the database's key refused the pointer.
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["modelId"] = ["The model (or the " +
                    "shadow) was deleted meanwhile; choose a stored one."]
                }, title: "Invalid deployment");
            }
            catch (Exception e) when (DatabaseErrors.IsUniqueViolation(e) && attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
        routes.Moved(name, modelId);
        return TypedResults.Ok(new DeploymentResponse(name, modelId, request.ShadowModelId, keyColumns, now));
    }

    /// <summary>The pointer, its history and the audit entries move in one transaction: a reader sees the old model or
    /// the new one, and never a change without its entry.</summary>
    static async Task<IReadOnlyList<string>> MoveAsync(DefectDbContext db, ClaimsPrincipal caller, TimeProvider clock, string name,
        Guid modelId, Guid? shadowModelId, IReadOnlyList<string>? keyColumns, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deployment = await db.Deployments.FirstOrDefaultAsync(d => d.Name == name, ct);
        var before = deployment is null ? null
            : new DeploymentAudit.State(deployment.ModelId, deployment.ShadowModelId, deployment.KeyColumns.ToList());
        if (deployment is null) db.Deployments.Add(deployment = new Deployment { Name = name });
        deployment.ModelId = modelId;
        deployment.ShadowModelId = shadowModelId;
        if (keyColumns is not null) deployment.KeyColumns = keyColumns.Select(k => k.Trim()).ToList();
        deployment.UpdatedAt = now;
        db.DeploymentHistory.Add(new DeploymentHistoryEntry { DeploymentName = name, ModelId = modelId, DeployedAt = now });
        await DeploymentAudit.RecordAsync(db, caller, clock, name, before,
            new DeploymentAudit.State(modelId, shadowModelId, deployment.KeyColumns), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return deployment.KeyColumns;
    }

    static string? KeyColumnsProblem(IReadOnlyList<string> keys)
    {
        if (keys.Count > Monitoring.PredictionKeys.MaxColumns)
            return $"A deployment declares at most {Monitoring.PredictionKeys.MaxColumns} key columns; {keys.Count} were given.";
        if (keys.Any(k => string.IsNullOrWhiteSpace(k) || k.Trim().Length > 200))
            return "Each key column is a column name of 1 to 200 characters, e.g. \"Product ID\".";
        if (keys.Select(k => k.Trim()).Distinct(StringComparer.Ordinal).Count() != keys.Count)
            return "Each key column is named once.";
        return null;
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, ClaimsPrincipal caller, DefectDbContext db,
        DeploymentRoutes routes, TimeProvider clock, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var model = await db.Deployments.Where(d => d.Name == name)
            .Join(db.Models, d => d.ModelId, m => m.Id, (d, m) => new { m.Id, m.Name, m.Version })
            .FirstOrDefaultAsync(ct);
        var deleted = await db.Deployments.Where(d => d.Name == name).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            db.Record(caller, clock, AuditActions.DeploymentDelete, AuditTrail.DeploymentTarget(name),
                $"Deleted '{name}', which pointed at {model?.Name} v{model?.Version} ({model?.Id}); callers of it get 404 until " +
                    "it is created again.");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        routes.Moved(name, null);
        return deleted == 0 ? NotFoundProblems.Deployment(name) : TypedResults.NoContent();
    }

}
