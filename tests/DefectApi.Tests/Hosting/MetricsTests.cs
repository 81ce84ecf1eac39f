using System.Globalization;
using System.Text.RegularExpressions;

namespace DefectApi.Tests.Hosting;

/// <summary>Every in-process test host feeds meters of the same names, and every host's exporter listens to all of
/// them: run alone, so that what /metrics shows comes from this host's service.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}

[Collection(MetricsCollection.Name)]
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
        Assert.Matches("defectapi_training_jobs_finished_total\\{[^}]*status=\"succeeded\"[^}]*\\} [1-9]", text);
    }

    [Fact]
    public async Task CsvRowsAreCountedAsPredictionsLikeJsonRecords()
    {
        var modelId = (await _client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 3, ensembleSize = 1 }))
            .GetProperty("modelId").GetString();
        (await _client.PutAsJsonAsync("/api/deployments/metrics-csv-line-4", new { modelId })).EnsureSuccessStatusCode();

        var scored = await _client.PostAsync("/api/deployments/metrics-csv-line-4/predict",
            new StringContent("team,workers,smv\nT1,20,10\nT2,many,12\nT3,30,12\n", System.Text.Encoding.UTF8, "text/csv"));
        await scored.Content.ReadAsStringAsync();
        var text = await _client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Matches("defectapi_predictions_total\\{[^}]*deployment=\"metrics-csv-line-4\",outcome=\"ok\"[^}]*\\} 2\n", text);
        Assert.Matches("defectapi_predictions_total\\{[^}]*deployment=\"metrics-csv-line-4\",outcome=\"rejected\"[^}]*\\} 1\n", text);
    }

    [Fact]
    public async Task AFailedTrainingJobIsCountedForTheJobFailureAlert()
    {
        // A target with one value fails in the worker, after the job was accepted.
        var job = await _client.StartJobAsync(new
        {
            datasetId = (await _client.UploadAsync("x,y\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},1\n"))))
                .GetProperty("id").GetString(),
            target = "y",
        });
        Assert.Equal("failed", (await _client.WaitForJobAsync(job.GetProperty("id").GetString()!)).GetProperty("status").GetString());

        var text = await _client.GetStringAsync("/metrics");

        Assert.Matches("defectapi_training_jobs_finished_total\\{[^}]*status=\"failed\"[^}]*\\} [1-9]", text);
    }

    [Fact]
    public async Task EachDeploymentsLiveMetricTrainingMetricOutcomeCountAndWorstDriftAreGauges()
    {
        var (modelId, text) = await JudgedDeployment.CreateAndScrapeAsync(_factory, _client, "health-line-9");

        Assert.Matches("defectapi_deployment_live_metric\\{(?=[^}]*deployment=\"health-line-9\")(?=[^}]*metric=\"auc\")" +
            "(?=[^}]*model=\"champion\")[^}]*\\} [0-9.]+", text);
        Assert.Matches("defectapi_deployment_drift_worst_psi\\{(?=[^}]*deployment=\"health-line-9\")(?=[^}]*model=\"champion\")" +
            "[^}]*\\} [0-9.]+", text);
        Assert.Matches("defectapi_deployment_live_outcomes\\{(?=[^}]*deployment=\"health-line-9\")(?=[^}]*model=\"champion\")[^}]*\\} " +
            "2(\\.0)?\n", text);
        // The training metric is the model's own, so that an alert can hold the live one against it.
        var trained = (await _client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/models/{modelId}")).GetProperty("metrics")
            .GetProperty("auc").GetDouble();
        var exported = Regex.Match(text, "defectapi_deployment_training_metric\\{(?=[^}]*deployment=\"health-line-9\")" +
            "(?=[^}]*metric=\"auc\")(?=[^}]*model=\"champion\")[^}]*\\} ([0-9.eE+-]+)");
        Assert.True(exported.Success, "no training metric for health-line-9");
        Assert.Equal(trained, double.Parse(exported.Groups[1].Value, CultureInfo.InvariantCulture), 9);
        Assert.Contains("defectapi_prediction_log_dropped_total", text);
    }

    [Fact]
    public async Task EveryDurationHistogramHasBucketsThatFitSeconds()
    {
        var job = await _client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 3, ensembleSize = 1 });
        await _client.PostAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict",
            ApiClient.Json("{\"records\":[{\"team\":\"T1\",\"workers\":20,\"smv\":10}]}"));

        var text = await _client.GetStringAsync("/metrics");

        var bounds = Regex.Matches(text, "^(\\w+)_seconds_bucket\\{[^}]*le=\"([^\"]+)\"", RegexOptions.Multiline)
            .Where(m => m.Groups[2].Value != "+Inf")
            .GroupBy(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Distinct().Order().ToArray());
        Assert.Contains("defectapi_training_epoch_duration", bounds.Keys);
        Assert.Contains("defectapi_model_load_duration", bounds.Keys);
        Assert.Contains("http_server_request_duration", bounds.Keys);
        // OpenTelemetry's default buckets (5, 10, 25 … 10000) are milliseconds': in seconds, everything lands in the first.
        foreach (var (name, les) in bounds)
            Assert.True(les[0] <= 0.01 && les[^1] <= 600 && les.Length >= 8, $"{name}: {string.Join(", ", les)}");
        Assert.Equal(0.001, bounds["defectapi_training_epoch_duration"][0]);
        Assert.Equal(600, bounds["defectapi_training_epoch_duration"][^1]);
    }

    [Fact]
    public async Task RuntimeProcessAndFrameworkMetricsAreExportedWithoutRedundantLabels()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/models")).StatusCode);

        var text = await _client.GetStringAsync("/metrics");

        string[] expected =
        [
            "aspnetcore_routing_match_attempts_total{", "aspnetcore_rate_limiting_requests_total{",
            "aspnetcore_authentication_authenticate_duration_seconds_bucket{", "aspnetcore_authorization_attempts_total{",
            "dotnet_gc_heap_total_allocated_bytes_total{", "dotnet_thread_pool_thread_count", "dotnet_process_memory_working_set_bytes{",
            "process_memory_usage_bytes{", "process_cpu_time_seconds_total{", "process_thread_count{",
            "target_info{service_name=\"defectapi\"",
        ];
        foreach (var name in expected) Assert.Contains(name, text);
        // Scope labels would repeat the meter's name on every series, and the queue length needs no status="queued".
        Assert.DoesNotContain("otel_scope_", text);
        Assert.Matches(new Regex("^defectapi_training_queue_length(\\{\\})? 0", RegexOptions.Multiline), text);
    }
}

public sealed class MetricsKeyTests
{
    const string PredictKey = "predict-key-123";
    const string ScraperKey = "scraper-key-456";
    const string AdminKey = "admin-key-789";

    static ApiFactory Service(bool requireKey) => new(new Dictionary<string, string?>(
    [
        .. ApiKeys.Configure(0, "mes-line3", PredictKey, "predict"),
        .. ApiKeys.Configure(1, "prometheus", ScraperKey, "metrics"),
        .. ApiKeys.Configure(2, "ops", AdminKey, "admin"),
        new("Metrics:RequireKey", requireKey ? "true" : null),
    ]));

    static Task<HttpResponseMessage> GetAsync(ApiFactory factory, string path, string? key) => factory.CreateClient(key).GetAsync(path);

    [Fact]
    public async Task ByDefaultMetricsNeedNoKeyEvenWhenTheApiDoes()
    {
        using var factory = Service(requireKey: false);

        var response = await GetAsync(factory, "/metrics", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("defectapi_training_jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithRequireKeyMetricsNeedTheMetricsOrAdminScope()
    {
        using var factory = Service(requireKey: true);

        await (await GetAsync(factory, "/metrics", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await GetAsync(factory, "/metrics", PredictKey)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var scraped = await GetAsync(factory, "/metrics", ScraperKey);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("defectapi_training_jobs", await scraped.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(factory, "/metrics", AdminKey)).StatusCode);
        // A scraper's key reads numbers, not data.
        await (await GetAsync(factory, "/api/models", ScraperKey)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
