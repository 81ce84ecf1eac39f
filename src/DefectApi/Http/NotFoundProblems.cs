using Microsoft.AspNetCore.Http.HttpResults;

namespace DefectApi.Http;

/// <summary>The 404 of each kind of resource, in one place, so that a feature answering for another's resource (the
/// log and monitoring for a deployment, bundles for a model) does not reach into that feature's endpoints.</summary>
public static class NotFoundProblems
{
    public static ProblemHttpResult Dataset(Guid id) => Problem("Dataset not found",
        $"There is no dataset with id '{id}'. List them with GET /api/datasets.");

    public static ProblemHttpResult Model(Guid id) => Problem("Model not found",
        $"There is no model with id '{id}'. List them with GET /api/models.");

    public static ProblemHttpResult Deployment(string name) => Problem("Deployment not found",
        $"There is no deployment named '{name}'. Create it with PUT /api/deployments/{{name}}.");

    public static ProblemHttpResult TrainingJob(Guid id) => Problem("Training job not found",
        $"There is no training job with id '{id}'. List them with GET /api/training-jobs.");

    public static ProblemHttpResult Key(string name) => Problem("Key not found",
        $"There is no key named '{name}'. List them with GET /api/keys.");

    static ProblemHttpResult Problem(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
