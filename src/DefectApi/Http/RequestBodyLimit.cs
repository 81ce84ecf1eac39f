namespace DefectApi.Http;

/// <summary>Endpoint metadata: the largest body this route accepts. Small JSON routes need no more than a megabyte,
/// and a smaller limit means a flood of oversized bodies costs the service nothing.</summary>
public sealed record RequestBodyLimit(long Bytes);

public static class RequestBodyLimits
{
    public const long SmallJson = 1 << 20;

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>Refuses a declared Content-Length over the route's limit at once, and caps an undeclared (chunked)
    /// body while it is read; both answer 413 problem+json.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>() is { } limit)
        {
            var message = $"The request body is larger than this route's limit of {limit.Bytes} bytes.";
            if (http.Request.ContentLength > limit.Bytes) throw new PayloadTooLargeException(message);
            http.Request.Body = new LengthLimitedStream(http.Request.Body, limit.Bytes, message);
        }
        await next(http);
    });
}
