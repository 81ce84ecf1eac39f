using System.Diagnostics;
using System.Text.Json;
using DefectApi.Tabular.Csv;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace DefectApi.Http;

/// <summary>A request whose body is larger than the configured limit: answered 413.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);

/// <summary>Turns every exception that reaches the pipeline into problem+json: the caller's mistakes into 4xx that say
/// what to change, everything else into a bare 500 without internals.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (http.RequestAborted.IsCancellationRequested) return true;
        var (status, title, detail, extensions) = Describe(http, exception);
        if (status == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "5";
        if (status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        };
        foreach (var (key, value) in extensions) context.ProblemDetails.Extensions[key] = value;
        return await problems.TryWriteAsync(context);
    }

    static (int Status, string Title, string Detail, Dictionary<string, object?> Extensions) Describe(HttpContext http, Exception exception)
    {
        var extensions = new Dictionary<string, object?>();
        // A reader may wrap the caller's fault (a body over a limit, a broken upload) in an I/O error of its own.
        if (exception is IOException
            && exception.InnerException is BadHttpRequestException or PayloadTooLargeException or CsvFormatException)
            exception = exception.InnerException;
        switch (exception)
        {
            case CsvFormatException csv:
                if (csv.Row is { } row) extensions["row"] = row;
                if (csv.Column is { } column) extensions["column"] = column;
                return (StatusCodes.Status400BadRequest, "The CSV could not be read", csv.Message, extensions);
            case PayloadTooLargeException tooLarge:
                return (StatusCodes.Status413PayloadTooLarge, "The request is too large", tooLarge.Message, extensions);
            case BadHttpRequestException { InnerException: JsonException json } when JsonBodyErrors.Describe(http, json) is { } wrongType:
                extensions["errors"] = new Dictionary<string, string[]> { [wrongType.Field] = [wrongType.Message] };
                return (StatusCodes.Status400BadRequest,
                    JsonBodyErrors.IsDuplicateKey(json) ? "A key appears twice in the body"
                        : "A field of the body has the wrong type", ValidationDetail, extensions);
            case BadHttpRequestException bad:
                return (bad.StatusCode, "The request could not be read", DescribeBadRequest(bad), extensions);
            case var storage when Data.DatabaseErrors.Unavailable(storage) is { } reason:
                return (StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                    $"The service cannot use its database right now ({reason}). Nothing was changed; retry later " +
                    "(Retry-After). Predictions with models already in use keep working.", extensions);
            default:
                return (StatusCodes.Status500InternalServerError, "An unexpected error occurred",
                    "The service could not complete the request. It has been logged; retrying may help.", extensions);
        }
    }

    internal const string ValidationDetail = "Fix the fields listed in 'errors' and send the request again.";

    static string DescribeBadRequest(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json => $"The JSON body is not valid: {json.Message} Send a JSON object as the API documents it.",
        _ when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType =>
            "The Content-Type is not supported here. Send application/json.",
        _ => bad.Message,
    };
}

/// <summary>Endpoint metadata: the title of the 400 that AddValidation() answers on this route, in place of its generic
/// "One or more validation errors occurred."</summary>
public sealed record ValidationTitle(string Title);

public static class ProblemHandlingSetup
{
    static readonly string? GenericValidationTitle = new HttpValidationProblemDetails().Title;

    public static TBuilder WithValidationTitle<TBuilder>(this TBuilder builder, string title) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ValidationTitle(title));

    public static IServiceCollection AddApiProblemHandling(this IServiceCollection services)
    {
        // The W3C trace id of the request, the one its span and its log lines carry (see TelemetrySetup), so a caller's
        // error report leads straight to them; the connection-based TraceIdentifier only where no Activity runs.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
            {
                // AddValidation() keys errors by C# member names and says nothing else; callers wrote JSON names, and
                // every problem tells what to change.
                validation.Errors = JsonBodyErrors.WithJsonNames(context.HttpContext, validation.Errors);
                validation.Detail ??= ApiExceptionHandler.ValidationDetail;
                if (validation.Title == GenericValidationTitle
                    && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ValidationTitle>() is { } title)
                    validation.Title = title.Title;
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures throw instead of answering an empty 400, so the handler above can say what was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            // Enums are their documented names, never numbers ("task": 1 is refused, not read as binary).
            options.SerializerOptions.Converters.Add(
                new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            // Numbers are JSON numbers: the web defaults also read "42" as 42, which makes the document describe every
            // number as "number or numeric string", a union that client generators cannot type.
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            options.SerializerOptions.MaxDepth = 32;
            // A repeated key would otherwise be last-wins in silence (an optimize record with "Type" twice).
            options.SerializerOptions.AllowDuplicateProperties = false;
        });
        return services;
    }
}
