namespace DefectApi.Tests.Reliability;

/// <summary>The database at its size limit (Storage:MaxDatabaseBytes, as a full disk would be): writes answer 503,
/// reads and predictions go on, and writes work again as soon as there is room.</summary>
public sealed class StorageFullTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["Storage:MaxDatabaseBytes"] = (1 << 20).ToString() });
    readonly HttpClient _client;

    public StorageFullTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    /// <summary>Four numeric columns, about 29 bytes a row as CSV.</summary>
    internal static string BigCsv(int rows)
    {
        var csv = new StringBuilder("a,b,c,d\n");
        for (var i = 0; i < rows; i++) csv.Append($"{i},{i * 0.37},{i % 11},{i * 1.5}\n");
        return csv.ToString();
    }

    [Fact]
    public async Task AFullDatabaseAnswers503ForWritesKeepsServingAndRecovers()
    {
        var job = await _client.TrainAsync(TestData.EfficiencyCsv(rows: 120), "efficiency", new { epochs = 3 });
        var modelId = job.GetProperty("modelId").GetString();
        const string records = "{\"records\":[{\"team\":\"T1\",\"workers\":30,\"smv\":12.5}]}";
        var before = await (await _client.PostAsync($"/api/models/{modelId}/predict", ApiClient.Json(records))).Content.ReadAsStringAsync();

        var full = await _client.PostAsync("/api/datasets?name=big", new StringContent(BigCsv(60_000), Encoding.UTF8, "text/csv"));

        var problem = await full.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("disk is full", problem.GetProperty("detail").GetString());
        Assert.NotNull(full.Headers.RetryAfter);
        var datasets = await _client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(1, datasets.GetProperty("items").GetArrayLength());
        var after = await (await _client.PostAsync($"/api/models/{modelId}/predict", ApiClient.Json(records))).Content.ReadAsStringAsync();
        Assert.Equal(before, after);

        var small = await _client.PostAsync("/api/datasets?name=small", new StringContent(BigCsv(500), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
    }
}
