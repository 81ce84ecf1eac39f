namespace DefectApi.Tests.Infrastructure;

/// <summary>One service with a binary and a regression model already trained, shared by tests that only read or
/// send bad requests.</summary>
public sealed class TrainedServiceFixture : IAsyncLifetime
{
    readonly ApiFactory _factory = new();
    public HttpClient Client { get; private set; } = null!;
    public string DatasetId { get; private set; } = "";
    public string BinaryModelId { get; private set; } = "";
    public string RegressionModelId { get; private set; } = "";

    public const string ReferenceRecords = "{\"records\":[{\"Shift\":\"early\",\"Temperature [C]\":91.5,\"Speed [rpm]\":1720}," +
        "{\"Shift\":\"night\",\"Temperature [C]\":64,\"Speed [rpm]\":1210},{\"Shift\":null,\"Temperature [C]\":88,\"Speed [rpm]\":1650}]}";

    public async Task InitializeAsync()
    {
        Client = _factory.CreateClient();
        var binary = await Client.TrainAsync(TestData.DefectsCsv(rows: 500), "Defect", new { epochs = 40 });
        BinaryModelId = binary.GetProperty("modelId").GetString()!;
        DatasetId = binary.GetProperty("datasetId").GetString()!;
        var regression = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 200), "efficiency", new { epochs = 20 });
        RegressionModelId = regression.GetProperty("modelId").GetString()!;
        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = BinaryModelId })).EnsureSuccessStatusCode();
    }

    /// <summary>The raw answer to a fixed request: equal strings mean identical predictions.</summary>
    public async Task<string> PredictReferenceAsync()
    {
        var response = await Client.PostAsync($"/api/models/{BinaryModelId}/predict", ApiClient.Json(ReferenceRecords));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions").GetRawText();
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }
}
