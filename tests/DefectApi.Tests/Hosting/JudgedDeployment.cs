using DefectApi.Monitoring;

namespace DefectApi.Tests.Hosting;

/// <summary>A deployment that has answered two parts and been told their outcomes, with the health gauges refreshed:
/// the state in which /metrics shows every series it can, the deployment's included.</summary>
public static class JudgedDeployment
{
    public sealed record Scrape(string ModelId, string Metrics);

    public static async Task<Scrape> CreateAndScrapeAsync(ApiFactory factory, HttpClient client, string deployment)
    {
        var modelId = (await client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 3, ensembleSize = 1 }))
            .GetProperty("modelId").GetString()!;
        (await client.PutAsJsonAsync($"/api/deployments/{deployment}", new { modelId })).EnsureSuccessStatusCode();
        var answer = await (await client.PostAsync($"/api/deployments/{deployment}/predict", ApiClient.Json(
            "{\"records\":[{\"Serial\":\"A\",\"Shift\":\"early\",\"Temperature [C]\":95,\"Speed [rpm]\":1900}," +
            "{\"Serial\":\"B\",\"Shift\":\"late\",\"Temperature [C]\":61,\"Speed [rpm]\":1100}]}")))
            .Content.ReadFromJsonAsync<JsonElement>();
        await factory.Services.GetRequiredService<PredictionLogWriter>().WriteQueuedAsync();
        var ids = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predictionId").GetString()).ToArray();
        (await client.PostAsJsonAsync($"/api/deployments/{deployment}/outcomes",
            new { outcomes = new[] { new { predictionId = ids[0], actual = "1" }, new { predictionId = ids[1], actual = "0" } } }))
            .EnsureSuccessStatusCode();

        await factory.Services.GetRequiredService<DeploymentHealth>().RefreshAsync(CancellationToken.None);
        return new Scrape(modelId, await client.GetStringAsync("/metrics"));
    }
}
