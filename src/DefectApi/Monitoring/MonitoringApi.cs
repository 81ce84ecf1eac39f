using System.Text.Json;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sylvan.Data.Csv;

namespace DefectApi.Monitoring;

/// <summary>After go-live, per deployment: outcomes reported back, live performance, drift.</summary>
public static class MonitoringApi
{
    const long MaxOutcomeBytes = 32L << 20;
    static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);
    const int MaxBuckets = 24 * 92;

    public static RouteGroupBuilder MapMonitoringApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/deployments").WithTags("Monitoring");
        group.MapPost("/{name}/outcomes", PostOutcomesAsync).WithName("PostOutcomes").WithSummary("Report what really happened")
            .WithDescription("Actual results of predicted parts, matched by predictionId, or by a key column of the predicted record " +
                "(keyColumn, e.g. a serial, declared in the deployment's keyColumns). JSON { \"outcomes\": [ { \"predictionId\", " +
                "\"actual\" } ] } or { \"keyColumn\", \"outcomes\": " +
                "[ { \"key\", \"actual\" } ] }, or text/csv with columns predictionId and actual (or ?keyColumn=serial and " +
                "columns serial and actual). Every outcome is kept: those whose prediction is not logged yet are listed as " +
                "pending and joined as soon as it is (by key: the latest prediction of that key). A later outcome of the same " +
                "prediction replaces the earlier one. An actual that is not a class of the model (or a number, for regression) " +
                "is a 400 and nothing is stored.")
            .Accepts<OutcomesRequest>("application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Policies.Predict).WithBodyLimit(MaxOutcomeBytes);
        group.MapGet("/{name}/performance", GetPerformanceAsync).WithName("GetPerformance").WithSummary("Live performance against outcomes")
            .WithDescription("Per bucket (hour or day) and per model, champion and shadow side by side: predictions, how many have an " +
                "outcome, and metrics on those (binary: auc, precision, recall, f1 at the model's threshold, observed vs mean " +
                "predicted defect rate; regression: rmse, mae, bias; multiclass: accuracy, macroF1). Default range: the last 7 days.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Predict);
        group.MapGet("/{name}/drift", GetDriftAsync).WithName("GetDrift")
            .WithSummary("Do today's inputs still look like the training data?")
            .WithDescription("Per input column of the deployment's model: the population stability index of the logged records " +
                "against the training data (numeric: the training deciles as bins; categorical: category shares, unseen ones " +
                "together), the share missing and the share outside the training range, rated ok (< 0.1), watch (0.1–0.25) or " +
                "alert (> 0.25); the same for the model's answers against its validation answers; and the shadow's beside it. " +
                "Default range: the last 7 days. A model stored before training profiles were kept answers 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Predict);
        return group;
    }

    static async Task<Results<Ok<DriftResponse>, ValidationProblem, ProblemHttpResult>> GetDriftAsync(string name, DateTime? from,
        DateTime? to, DefectDbContext db, LiveDrift drift, TimeProvider clock, CancellationToken ct)
    {
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, ct);
        if (deployment is null) return NotFoundProblems.Deployment(name);
        var (start, end, errors) = Range(from, to, clock);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid range");
        if (await drift.ComputeAsync(name, deployment.ModelId, shadow: false, start, end, ct) is not { } champion)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The model has no training profile",
                detail: $"Model '{deployment.ModelId}' was stored before training profiles were kept, so there is nothing to compare its " +
                    "traffic with. Retrain it (the same dataset and settings) and deploy the new version to monitor drift.");
        var shadow = deployment.ShadowModelId is { } shadowId
            ? await drift.ComputeAsync(name, shadowId, shadow: true, start, end, ct) : null;
        return TypedResults.Ok(new DriftResponse(name, start, end, champion.ModelId, champion.Records, champion.Columns,
            champion.Output, shadow));
    }

    static async Task<Results<Ok<OutcomesResponse>, ValidationProblem, ProblemHttpResult>> PostOutcomesAsync(string name,
        HttpRequest request, string? keyColumn, DefectDbContext db, OutcomeRecorder recorder, CancellationToken ct)
    {
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, ct);
        if (deployment is null) return NotFoundProblems.Deployment(name);
        (string? Key, List<OutcomeRecorder.Reported> Items, Dictionary<string, string[]> Errors) read;
        if (MediaTypes.IsCsv(request.ContentType)) read = await ReadCsvAsync(request.Body, keyColumn, ct);
        else if (MediaTypes.IsJson(request.ContentType))
        {
            OutcomesRequest? body;
            try { body = await JsonSerializer.DeserializeAsync<OutcomesRequest>(request.Body, JsonSerializerOptions.Web, ct); }
            catch (JsonException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The JSON body is not valid",
                    detail: $"{e.Message} Send {{ \"outcomes\": [ {{ \"predictionId\": \"…\", \"actual\": \"…\" }} ] }}.");
            }
            read = ReadJson(body, keyColumn);
        }
        else return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
            detail: $"Content-Type '{request.ContentType}' is not accepted. Send application/json {{ \"outcomes\": [...] }} or " +
            "text/csv with columns predictionId and actual.");
        if (read.Errors.Count > 0) return Invalid(read.Errors);
        if (read.Items.Count > OutcomeRecorder.MaxOutcomes)
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many outcomes",
                detail: $"The request has {read.Items.Count} outcomes; the limit is {OutcomeRecorder.MaxOutcomes}. Split it.");
        if (read.Key is { } key && !deployment.KeyColumns.Contains(key))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["keyColumn"] = [deployment.KeyColumns.Count == 0
                    ? $"'{key}' is not a declared key column of '{name}', which declares none. Declare it first: PUT " +
                        $"/api/deployments/{name} with \"keyColumns\": [\"{key}\"] (it counts for predictions made from then on)."
                    : $"'{key}' is not a declared key column of '{name}'; its key columns are " +
                        $"{string.Join(", ", deployment.KeyColumns.Select(k => $"'{k}'"))}."]
            },
                title: "Some outcomes cannot be recorded", detail: "Outcomes by key name one of the deployment's declared key " +
                "columns; nothing was stored.");
        var result = await recorder.RecordAsync(deployment, read.Key, read.Items, ct);
        return result.Errors is { } errors ? Invalid(errors) : TypedResults.Ok(result.Answer!);
    }

    static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        title: "Some outcomes cannot be recorded", detail: "Fix the entries listed in 'errors' and send the request again; " +
        "nothing was stored.");

    static (string?, List<OutcomeRecorder.Reported>, Dictionary<string, string[]>) ReadJson(OutcomesRequest? body, string? queryKey)
    {
        var errors = new Dictionary<string, string[]>();
        var items = new List<OutcomeRecorder.Reported>();
        var keyColumn = body?.KeyColumn ?? queryKey;
        if (body?.Outcomes is not { Count: > 0 } outcomes)
        {
            errors["outcomes"] = ["Send at least one outcome: { \"outcomes\": [ { \"predictionId\": \"…\", \"actual\": \"…\" } ] }."];
            return (keyColumn, items, errors);
        }
        for (int i = 0; i < outcomes.Count && errors.Count < 100; i++)
        {
            var o = outcomes[i];
            string? key = o?.Key is { } k ? OutcomeRecorder.Text(k) : null;
            string? actual = o?.Actual is { } a ? OutcomeRecorder.Text(a) : null;
            if (actual is null) errors[$"outcomes[{i}].actual"] = ["actual is required: a class of the model, or the measured value."];
            if (keyColumn is null && o?.PredictionId is null) errors[$"outcomes[{i}].predictionId"] = ["predictionId is required " +
                "(or name a keyColumn and give each outcome a key)."];
            if (keyColumn is not null
                && key is null) errors[$"outcomes[{i}].key"] = [$"key is required: the value of '{keyColumn}' in the predicted record."];
            if (actual is not null) items.Add(new(i, o!.PredictionId, key, actual));
        }
        return (keyColumn, items, errors);
    }

    static async Task<(string?, List<OutcomeRecorder.Reported>, Dictionary<string, string[]>)> ReadCsvAsync(Stream body,
        string? keyColumn, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var items = new List<OutcomeRecorder.Reported>();
        using var text = new StreamReader(body);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, ct);
        string match = keyColumn ?? "predictionId";
        int matchAt = csv.GetOrdinalOrMissing(match), actualAt = csv.GetOrdinalOrMissing("actual");
        if (matchAt < 0 || actualAt < 0)
        {
            errors["body"] = [$"The CSV needs the columns '{match}' and 'actual'."];
            return (keyColumn, items, errors);
        }
        int row = 0;
        while (await csv.ReadAsync(ct) && errors.Count < 100)
        {
            string matchText = csv.GetString(matchAt).Trim(), actual = csv.GetString(actualAt).Trim();
            if (actual.Length == 0) errors[$"outcomes[{row}].actual"] = ["actual is empty."];
            Guid? id = null;
            if (keyColumn is null)
            {
                if (Guid.TryParse(matchText, out var parsed)) id = parsed;
                else errors[$"outcomes[{row}].predictionId"] = [$"'{matchText}' is not a prediction id."];
            }
            items.Add(new(row, id, keyColumn is null ? null : matchText, actual));
            row++;
        }
        return (keyColumn, items, errors);
    }

    static int GetOrdinalOrMissing(this CsvDataReader csv, string name)
    {
        for (int i = 0; i < csv.FieldCount; i++) if (string.Equals(csv.GetName(i).Trim(), name, StringComparison.Ordinal)) return i;
        return -1;
    }

    static async Task<Results<Ok<PerformanceResponse>, ValidationProblem, ProblemHttpResult>> GetPerformanceAsync(string name,
        DateTime? from, DateTime? to, string? bucket, DefectDbContext db, LivePerformance performance, TimeProvider clock,
        CancellationToken ct)
    {
        if (!await db.Deployments.AnyAsync(d => d.Name == name, ct)) return NotFoundProblems.Deployment(name);
        var (start, end, errors) = Range(from, to, clock);
        bucket ??= "day";
        var width = bucket switch { "hour" => TimeSpan.FromHours(1), "day" => TimeSpan.FromDays(1), _ => TimeSpan.Zero };
        if (width == TimeSpan.Zero) errors["bucket"] = [$"'{bucket}' is not a bucket: use hour or day."];
        else if ((end - start) / width > MaxBuckets) errors["bucket"] = [$"The range holds more than {MaxBuckets} {bucket}s: " +
            "shorten it or use day."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid range");
        // Buckets start on whole UTC hours or days, so that two calls a minute apart bucket alike.
        start = new DateTime(start.Ticks - start.Ticks % width.Ticks, DateTimeKind.Utc);
        var buckets = await performance.ComputeAsync(name, start, end, width, ct);
        return TypedResults.Ok(new PerformanceResponse(name, start, end, bucket, buckets));
    }

    /// <summary>from/to as given (UTC), defaulting to the last 7 days; from must come before to.</summary>
    internal static (DateTime From, DateTime To, Dictionary<string, string[]> Errors) Range(DateTime? from, DateTime? to,
        TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var end = to?.ToUniversalTime() ?? clock.GetUtcNow().UtcDateTime;
        var start = from?.ToUniversalTime() ?? end - DefaultRange;
        if (start >= end) errors["from"] = ["from must be before to."];
        return (start, end, errors);
    }
}
