using System.Net.Http.Json;
using System.Net;
using DefectApi.Tests.Infrastructure;

namespace DefectApi.Tests.Hosting;

public sealed class MetricsTests : IDisposable
{
    readonly ApiFactory _factory = new();
    readonly HttpClient _client;

    public MetricsTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task MetricsExposeRequestDurationsByRouteJobsAndPredictions()
    {
        var job = await _client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 3 });
        var modelId = job.GetProperty("modelId").GetString();
        // A deployment name of its own: other test hosts in this process feed the same meter names.
        (await _client.PutAsJsonAsync("/api/deployments/metrics-line-7", new { modelId })).EnsureSuccessStatusCode();
        await _client.PostAsync("/api/deployments/metrics-line-7/predict",
            ApiClient.Json("{\"records\":[{\"team\":\"T1\",\"workers\":20,\"smv\":10},{\"team\":\"T2\",\"workers\":30,\"smv\":12}]}"));

        var response = await _client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds_bucket{", text);
        Assert.Contains("http_route=\"/api/deployments/{name}/predict\"", text);
        Assert.Matches("defectapi_training_jobs\\{[^}]*status=\"succeeded\"[^}]*\\} [1-9]", text);
        Assert.Matches("defectapi_predictions_total\\{[^}]*deployment=\"metrics-line-7\",outcome=\"ok\"[^}]*\\} 2", text);
        Assert.Contains("defectapi_training_epoch_duration_seconds_count", text);
        Assert.Contains("defectapi_model_load_duration_seconds_count", text);
    }
}
