using DefectApi.Deployments;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DefectApi.Predictions;

/// <summary>The two predict routes: by model id, and through a deployment. They sit under the models' and the
/// deployments' paths (and tags) of the contract, but scoring is this folder's work.</summary>
public static class PredictionsApi
{
    public static IEndpointRouteBuilder MapPredictionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/models").WithTags("Models");
        group.MapPost("/{id:guid}/predict", PredictWithModelAsync).WithName("PredictWithModel").WithTags("Predictions")
            .WithSummary("Score records with a model")
            .WithDescription("JSON { \"records\": [...] } answered with one prediction per record in order, or a text/csv body " +
                "answered as text/csv. With ?explain=true (JSON) each prediction lists its top reasons (5, or ?top=N up to 50).")
            .DocumentsJsonOrCsvBody<PredictRequest>("JSON records, or a CSV with a header row")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Policies.Predict);

        group = routes.MapGroup("/api/deployments").WithTags("Deployments");
        group.MapPost("/{name}/predict", PredictWithDeploymentAsync).WithName("PredictWithDeployment").WithTags("Predictions")
            .WithSummary("Score records with the model a deployment points at")
            .WithDescription("As POST /api/models/{id}/predict, through the deployment's current model: JSON records answered in " +
                "order, or a text/csv body answered as text/csv. With ?explain=true (JSON) each prediction lists its top reasons.")
            .DocumentsJsonOrCsvBody<PredictRequest>("JSON records, or a CSV with a header row")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Policies.Predict);
        return routes;
    }

    static Task<Results<Ok<PredictResponse>, Predictor.CsvScores, ValidationProblem, ProblemHttpResult>> PredictWithModelAsync(
        Guid id, HttpRequest request, Predictor predictor, CancellationToken ct) =>
        predictor.PredictAsync(request, ModelSource.Model(id), ct);

    static Task<Results<Ok<PredictResponse>, Predictor.CsvScores, ValidationProblem, ProblemHttpResult>> PredictWithDeploymentAsync(
        string name, HttpRequest request, Predictor predictor, CancellationToken ct) =>
        predictor.PredictAsync(request, ModelSource.DeploymentNamed(name), ct);
}

/// <summary>The shape of a JSON predict body, for the OpenAPI document (the predictor reads the body itself, as it streams).</summary>
/// <param name="Records">Each record maps every model input to its value; null for a value that is missing.</param>
public sealed record PredictRequest([property: CellValues] IReadOnlyList<Dictionary<string, object?>> Records);
