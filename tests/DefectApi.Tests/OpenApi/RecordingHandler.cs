namespace DefectApi.Tests.OpenApi;

/// <summary>Keeps every answer that passes through a client, body included, for checking against the document.</summary>
public sealed class RecordingHandler(List<Exchange> exchanges) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered, so the caller can still read the body.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (exchanges)
            exchanges.Add(new Exchange(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType, body));
        return response;
    }
}
