using DefectApi.Monitoring;

namespace DefectApi.Tests.Monitoring;

/// <summary>A service on one provider whose clock stands just past a whole hour, so that a test's answers share one
/// hourly bucket, with the calls a line's MES and its quality engineer make after go-live.</summary>
public abstract class DeploymentMonitoringSuite : ServiceOnProvider
{
    protected DeploymentMonitoringSuite(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
        : this(provider, settings, ShiftedClock.JustPastAWholeHour()) { }

    DeploymentMonitoringSuite(DatabaseProvider provider, IDictionary<string, string?>? settings, ShiftedClock clock)
        : base(provider, settings, clock) => Clock = clock;

    protected ShiftedClock Clock { get; }

    /// <summary>A binary model of the defects line (Serial excluded), trained quickly; its id.</summary>
    protected async Task<string> TrainDefectModelAsync(int seed = 7) =>
        (await Client.TrainAsync(TestData.DefectsCsv(seed: seed), "Defect", new { epochs = 5, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString()!;

    /// <summary>PUT /api/deployments/{name} with <paramref name="body"/>; its answer.</summary>
    protected async Task<JsonElement> DeployAsync(string name, object body)
    {
        var response = await Client.PutAsJsonAsync($"/api/deployments/{name}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The answers of a deployment (logged) or of a model by id (not logged) to the parts, as JSON records.</summary>
    protected async Task<JsonElement[]> PredictAsync(string path, IEnumerable<Part> parts)
    {
        var response = await Client.PostAsync(path, ApiClient.Json(LineParts.JsonRecords(parts)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().ToArray();
    }

    protected Task<JsonElement[]> PredictThroughAsync(string deployment, IEnumerable<Part> parts) =>
        PredictAsync($"/api/deployments/{deployment}/predict", parts);

    protected Task<JsonElement[]> PredictByModelAsync(string modelId, IEnumerable<Part> parts) =>
        PredictAsync($"/api/models/{modelId}/predict", parts);

    protected static string IdOf(JsonElement answer) => answer.GetProperty("predictionId").GetString()!;

    /// <summary>What the writer would write at its next flush, written now.</summary>
    protected Task FlushAsync() => Factory.Services.GetRequiredService<PredictionLogWriter>().WriteQueuedAsync();

    /// <summary>Outcomes by predictionId, each part's actual, as JSON.</summary>
    protected Task<JsonElement> PostOutcomesByIdAsync(string deployment, IEnumerable<(JsonElement Answer, string Actual)> outcomes) =>
        PostOutcomesAsync(deployment, new { outcomes = outcomes.Select(o => new { predictionId = IdOf(o.Answer), actual = o.Actual }) });

    /// <summary>Outcomes by the parts' serials, as JSON.</summary>
    protected Task<JsonElement> PostOutcomesBySerialAsync(string deployment, IEnumerable<Part> parts) =>
        PostOutcomesAsync(deployment, new
        {
            keyColumn = "Serial", outcomes = parts.Select(p => new
            {
                key = p.Serial,
                actual = p.Actual
            })
        });

    /// <summary>POST …/outcomes, which must answer 200; its { matched, pending }.</summary>
    protected async Task<JsonElement> PostOutcomesAsync(string deployment, object body)
    {
        var response = await Client.PostAsJsonAsync($"/api/deployments/{deployment}/outcomes", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static int Matched(JsonElement answer) => answer.GetProperty("matched").GetInt32();

    protected static string[] Pending(JsonElement answer) =>
        answer.GetProperty("pending").EnumerateArray().Select(p => p.GetString()!).Order().ToArray();

    /// <summary>The hourly performance buckets of the last 7 days by the service's clock.</summary>
    protected async Task<JsonElement[]> BucketsAsync(string deployment) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/api/deployments/{deployment}/performance?bucket=hour"))
            .GetProperty("buckets").EnumerateArray().ToArray();

    /// <summary>The one bucket of a model (all answers of a test fall in one hour).</summary>
    protected static JsonElement BucketOf(JsonElement[] buckets, string modelId) =>
        Assert.Single(buckets, b => b.GetProperty("modelId").GetString() == modelId);

    /// <summary>GET …/log, which must answer 200 text/csv.</summary>
    protected async Task<CsvTable> LogAsync(string deployment, string query = "")
    {
        var response = await Client.GetAsync($"/api/deployments/{deployment}/log{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return CsvTable.Parse(body);
    }

    protected static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");
}
