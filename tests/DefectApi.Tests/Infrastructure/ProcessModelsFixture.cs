namespace DefectApi.Tests.Infrastructure;

/// <summary>One service with an AI4I failure model (deployed as "ai4i") and a garments productivity model, shared by
/// the optimisation, explanation and sensitivity tests.</summary>
public sealed class ProcessModelsFixture : IAsyncLifetime
{
    readonly ApiFactory _factory = new();
    public HttpClient Client { get; private set; } = null!;
    public string Ai4iModelId { get; private set; } = "";
    public string GarmentsModelId { get; private set; } = "";
    public string Ai4iCsv { get; } = ProcessData.Ai4iCsv();

    public async Task InitializeAsync()
    {
        Client = _factory.CreateClient();
        var ai4i = await Client.TrainAsync(Ai4iCsv, "Machine failure", new
        {
            exclude = ProcessData.Ai4iExcluded, ensembleSize = 2, epochs = 40, hiddenLayers = new[] { 32, 16 },
            learningRate = 0.005, batchSize = 64,
        });
        Ai4iModelId = ai4i.GetProperty("modelId").GetString()!;
        var garments = await Client.TrainAsync(ProcessData.GarmentsCsv(), "actual_productivity", new { ensembleSize = 1, epochs = 60 });
        GarmentsModelId = garments.GetProperty("modelId").GetString()!;
        (await Client.PutAsJsonAsync("/api/deployments/ai4i", new { modelId = Ai4iModelId })).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The optimisation, explanation and sensitivity tests share one trained service rather than one per class.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessModelsCollection : ICollectionFixture<ProcessModelsFixture>
{
    public const string Name = "process models";
}
