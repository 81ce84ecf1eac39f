using System.Text.Json;
using DefectApi.Data;
using DefectApi.Deployments;
using DefectApi.Http;
using DefectApi.Registry;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Inference;
using DefectApi.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DefectApi.Predictions;

/// <summary>The predict endpoints' shared body: JSON records in, predictions out in the same order; or a CSV body
/// scored as it streams.</summary>
public sealed class Predictor(IOptions<PredictionOptions> options, ServiceMetrics metrics, ModelLookup models, IPredictionSink log,
    Training.TrainingCores trainingCores)
{
    public async Task<Results<Ok<PredictResponse>, CsvScores, ValidationProblem, ProblemHttpResult>> PredictAsync(
        HttpRequest request, ModelSource source, CancellationToken ct)
    {
        // On 1 or 2 cores, training keeps to one core while predictions arrive.
        trainingCores.PredictionArrived();
        if (await models.FindAsync(source, ct) is not { } entry) return source.NotFound();
        string? deployment = source.Deployment;
        // A CSV body is streamed without limit and JSON has its own (Predictions:MaxJsonBytes): not Kestrel's fixed 30 MB.
        var bodySize = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null;
        if (MediaTypes.IsCsv(request.ContentType))
            return new CsvScores(entry, deployment is not null && log.Enabled ? log.ForCsv(deployment, entry.Model.Id) : null,
                metrics, deployment);
        if (!MediaTypes.IsJson(request.ContentType))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Content-Type '{request.ContentType}' is not accepted. Send application/json {{ \"records\": [...] }} " +
                "or a text/csv body with a header row.");

        var (explain, top, queryErrors) = ReadExplainQuery(request.Query);
        if (queryErrors.Count > 0) return TypedResults.ValidationProblem(queryErrors, title: "Invalid query",
            detail: "explain is true or false; top is a whole number from 1 to 50.");

        var limit = options.Value.MaxJsonBytes;
        var tooLarge = _tooLarge ??= $"The JSON body is larger than {limit} bytes (Predictions:MaxJsonBytes). Split it, or send " +
            "text/csv, which is streamed without a limit.";
        if (request.ContentLength > limit) throw new PayloadTooLargeException(tooLarge);
        using var body = await PooledBody.ReadAsync(new LengthLimitedStream(request.Body, limit, tooLarge), request.ContentLength, ct);
        PredictionRequestReader.Result read;
        try { read = PredictionRequestReader.Read(body.Bytes, entry.Artifact, options.Value.MaxRecords); }
        catch (JsonException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The JSON body is not valid",
                detail: $"{e.Message} Send {{ \"records\": [ {{ \"column\": value }} ] }}; NaN and Infinity are not JSON numbers.");
        }
        if (read.RecordCount > options.Value.MaxRecords)
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many records",
                detail: $"The request has {read.RecordCount} records; the limit is {options.Value.MaxRecords} " +
                "(Predictions:MaxRecords). Split it, or send a text/csv body, which is streamed without a limit.");
        if (read.Batch is not { } records) return Invalid(new() { ["records"] = [read.ShapeError!] });

        var batch = entry.Artifact.Scorer.Score(records);
        if (batch.Errors.Count > 0)
        {
            metrics.RecordPredictions(deployment, "rejected", records.Count);
            return Invalid(PredictionRequestReader.Keyed(batch.Errors));
        }
        metrics.RecordPredictions(deployment, "ok", batch.Predictions.Count);
        var explanations = explain ? entry.Artifact.Explain(records, top) : null;
        var answers = new List<PredictionResponse>(batch.Predictions.Count);
        bool logged = deployment is not null && log.Enabled;
        for (int i = 0; i < batch.Predictions.Count; i++)
        {
            var answer = batch.Predictions[i].ToResponse();
            if (logged) answer = answer with
            {
                PredictionId = log.Add(deployment!, entry.Model.Id, body.Bytes[read.Records![i]],
                entry.Artifact.Scorer.LoggedAnswer(batch.Predictions[i]))
            };
            answers.Add(explanations is null ? answer : answer with { Reasons = explanations[i].Reasons.Select(ToResponse).ToList() });
        }
        return TypedResults.Ok(new PredictResponse(entry.Model.Id, entry.Model.Name, entry.Model.Version, answers));
    }

    string? _tooLarge;

    static ReasonResponse ToResponse(Tabular.Explanations.Reason reason) =>
        new(reason.Column, PredictionRequestReader.ToJsonValue(reason.Value), reason.Contribution);

    /// <summary>?explain=true adds the top reasons (5, or ?top=N) to each prediction of a JSON body.</summary>
    static (bool Explain, int Top, Dictionary<string, string[]> Errors) ReadExplainQuery(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        bool explain = false;
        int top = 5;
        if (query.TryGetValue("explain", out var e) && !bool.TryParse(e.ToString(), out explain))
            errors["explain"] = [$"'{e}' is not true or false."];
        if (query.TryGetValue("top", out var t) && !(int.TryParse(t.ToString(), out top) && top is >= 1 and <= 50))
            errors["top"] = [$"'{t}' is not a whole number from 1 to 50."];
        return (explain, top, errors);
    }

    static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        title: "Some records cannot be scored",
        detail: "Fix the values listed in 'errors' (every record needs each model input, with a value of the right type) and " +
        "send the request again.");

    /// <summary>Streams CSV in and out. The header is checked before anything is written, so a missing input column is
    /// still a clean 400. Its rows are counted in defectapi.predictions like JSON records, once the file is through (a
    /// stream the caller breaks off is not counted).</summary>
    public sealed class CsvScores(ModelCache.Entry entry, ICsvPredictionLog? log, ServiceMetrics metrics, string? deployment) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers["X-Model-Id"] = entry.Model.Id.ToString();
            try
            {
                await using var body = SpooledBody.Start(http.Request.Body, http.RequestAborted);
                var counts = await CsvScorer.ScoreAsync(body, http.Response.Body, entry.Artifact.Scorer, log, http.RequestAborted);
                if (counts.Answered > 0) metrics.RecordPredictions(deployment, "ok", counts.Answered);
                if (counts.Rejected > 0) metrics.RecordPredictions(deployment, "rejected", counts.Rejected);
            }
            catch (CsvFormatException) when (!http.Response.HasStarted)
            {
                http.Response.ContentType = null;
                throw;
            }
        }
    }
}
