namespace DefectApi.Tests.Hosting;

public sealed class OperationsTests : IDisposable
{
    readonly ApiFactory _factory = new();
    readonly HttpClient _client;

    public OperationsTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task HealthEndpointsAnswerHealthyWithTheDatabaseCheck()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);

        var ready = await _client.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryRouteWithASummary()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/datasets", "/api/datasets/{id}", "/api/datasets/{id}/rows", "/api/training-jobs", "/api/training-jobs/{id}",
            "/api/training-jobs/{id}/events", "/api/training-jobs/{id}/cancel", "/api/models", "/api/models/{id}",
            "/api/models/{id}/threshold", "/api/models/{id}/predict", "/api/deployments", "/api/deployments/{name}",
            "/api/deployments/{name}/predict",
        ];
        foreach (var path in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), path);
            foreach (var operation in item.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty(
                "responses", out _)))
                Assert.False(string.IsNullOrWhiteSpace(operation.Value.GetProperty("summary").GetString()), $"{operation.Name} {path}");
        }
    }

    [Fact]
    public async Task ThePredictBodiesAreDescribedWithExamples()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        foreach (var path in new[] { "/api/models/{id}/predict", "/api/deployments/{name}/predict" })
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty("post");
            var content = operation.GetProperty("requestBody").GetProperty("content");
            Assert.Equal(2, content.GetProperty("application/json").GetProperty("example").GetProperty("records").GetArrayLength());
            Assert.StartsWith("Product ID,Type", content.GetProperty("text/csv").GetProperty("example").GetString());
            var answer = operation.GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.True(answer.GetProperty("application/json").GetProperty("example").GetProperty("predictions")[0].GetProperty(
                "defect").GetBoolean());
        }
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var response = await _client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblem()
    {
        await (await _client.GetAsync("/api/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
