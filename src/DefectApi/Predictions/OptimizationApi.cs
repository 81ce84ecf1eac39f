using DefectApi.Data;
using DefectApi.Deployments;
using DefectApi.Http;
using DefectApi.Security;
using DefectApi.Tabular;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DefectApi.Predictions;

/// <summary>Process optimisation: the settings the model scores best for a goal, changing only the columns the
/// caller allows.</summary>
public static class OptimizationApi
{
    public static IEndpointRouteBuilder MapOptimizationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Process optimisation").RequireAuthorization(Policies.Predict);

        group.MapPost("/models/{id:guid}/optimize", OptimizeModelAsync).WithName("OptimizeWithModel")
            .WithBodyLimit(RequestBodyLimits.SmallJson)
            .WithSummary("Recommend settings for a record: the adjustable columns' values the model scores best for the goal")
            .WithDescription(OptimizeDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/deployments/{name}/optimize", OptimizeDeploymentAsync).WithName("OptimizeWithDeployment")
            .WithBodyLimit(RequestBodyLimits.SmallJson)
            .WithSummary("Recommend settings with the model a deployment points at")
            .WithDescription(OptimizeDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/models/{id:guid}/sensitivity", ModelSensitivityAsync).WithName("GetModelSensitivity")
            .WithSummary("How the prediction moves with one input over its training range (partial dependence)")
            .WithDescription(SensitivityDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/deployments/{name}/sensitivity", DeploymentSensitivityAsync).WithName("GetDeploymentSensitivity")
            .WithSummary("Partial dependence with the model a deployment points at")
            .WithDescription(SensitivityDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    const string OptimizeDescription = "Changes only the columns listed in 'adjust' (numeric ranges are cut to the training data unless " +
        "allowOutsideTrainingData is true) and answers the recommended record, the predictions before and after, and what changed. " +
        "Goal minimize, maximize or target (with targetValue) applies to the defect probability, the predicted value, or the " +
        "probability of targetClass.";

    const string SensitivityDescription = "The prediction averaged over training records kept in the model, with ?column= set to each of " +
        "?points= values across its training range (each category for a categorical column); ?targetClass= for multiclass models.";

    static Task<Results<Ok<OptimizeResponse>, ValidationProblem, ProblemHttpResult>> OptimizeModelAsync(
        Guid id, OptimizeRequest request, ModelLookup models, CancellationToken ct) =>
        OptimizeAsync(ModelSource.Model(id), request, models, ct);

    static Task<Results<Ok<OptimizeResponse>, ValidationProblem, ProblemHttpResult>> OptimizeDeploymentAsync(
        string name, OptimizeRequest request, ModelLookup models, CancellationToken ct) =>
        OptimizeAsync(ModelSource.DeploymentNamed(name), request, models, ct);

    static Task<Results<Ok<SensitivityResponse>, ValidationProblem, ProblemHttpResult>> ModelSensitivityAsync(
        Guid id, string? column, int? points, string? targetClass, ModelLookup models, CancellationToken ct) =>
        SensitivityAsync(ModelSource.Model(id), column, points, targetClass, models, ct);

    static Task<Results<Ok<SensitivityResponse>, ValidationProblem, ProblemHttpResult>> DeploymentSensitivityAsync(
        string name, string? column, int? points, string? targetClass, ModelLookup models, CancellationToken ct) =>
        SensitivityAsync(ModelSource.DeploymentNamed(name), column, points, targetClass, models, ct);

    static async Task<Results<Ok<OptimizeResponse>, ValidationProblem, ProblemHttpResult>> OptimizeAsync(
        ModelSource source, OptimizeRequest request, ModelLookup models, CancellationToken ct) =>
        await models.FindAsync(source, ct) is { } entry ? Optimize(entry.Artifact, request) : source.NotFound();

    static async Task<Results<Ok<SensitivityResponse>, ValidationProblem, ProblemHttpResult>> SensitivityAsync(
        ModelSource source, string? column, int? points, string? targetClass, ModelLookup models, CancellationToken ct) =>
        await models.FindAsync(source, ct) is { } entry ? Sensitivity(entry.Artifact, column, points, targetClass) : source.NotFound();

    static Results<Ok<SensitivityResponse>, ValidationProblem, ProblemHttpResult> Sensitivity(ModelArtifact model, string? column,
        int? points, string? targetClass)
    {
        var outcome = model.Sensitivity(column, points ?? 25, targetClass);
        if (outcome.Points is { } result)
            return TypedResults.Ok(new SensitivityResponse(column!,
                result.Select(p => new SensitivityPointResponse(PredictionRequestReader.ToJsonValue(p.Value), p.Prediction)).ToList()));
        return TypedResults.ValidationProblem(outcome.Errors.ToDictionary(e => e.Field, e => new[] { e.Message }),
            title: "The sensitivity request cannot be run", detail: "Fix the query parameters listed in 'errors'.");
    }

    static Results<Ok<OptimizeResponse>, ValidationProblem, ProblemHttpResult> Optimize(ModelArtifact model, OptimizeRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var tabular = request.ToTabular(errors);
        if (errors.Count == 0)
        {
            var outcome = model.Optimize(tabular);
            if (outcome.Result is { } result) return TypedResults.Ok(result.ToResponse());
            foreach (var error in outcome.Errors) PredictionRequestReader.Add(errors, error.Field, error.Message);
        }
        return TypedResults.ValidationProblem(errors, title: "The optimisation request cannot be run",
            detail: "Fix the fields listed in 'errors' and send the request again.");
    }
}
