namespace DefectApi.Tests.Models;

/// <summary>Runs on both providers: <see cref="DeploymentsApiTestsOnSqlite"/> and <see cref="DeploymentsApiTestsOnPostgres"/>.</summary>
public abstract class DeploymentsApiTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    static object Record => new
    {
        records = new[] { new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = 30,
        ["smv"] = 20.0 } }
    };

    [SkippableFact]
    public async Task ADeploymentServesItsModelAndMovesToAnotherOnPut()
    {
        var first = (await Client.TrainAsync(TestData.EfficiencyCsv(seed: 1), "efficiency", new { epochs = 3 }))
            .GetProperty("modelId").GetString();
        var second = (await Client.TrainAsync(TestData.EfficiencyCsv(seed: 2), "efficiency", new { epochs = 3 }))
            .GetProperty("modelId").GetString();

        var put = await Client.PutAsJsonAsync("/api/deployments/line3-efficiency", new { modelId = first });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var deployment = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("line3-efficiency", deployment.GetProperty("name").GetString());
        Assert.Equal(first, deployment.GetProperty("modelId").GetString());
        var before = await (await Client.PostAsJsonAsync("/api/deployments/line3-efficiency/predict", Record))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first, before.GetProperty("modelId").GetString());

        await Client.PutAsJsonAsync("/api/deployments/line3-efficiency", new { modelId = second });
        var after = await (await Client.PostAsJsonAsync("/api/deployments/line3-efficiency/predict", Record))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(second, after.GetProperty("modelId").GetString());
        var details = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3-efficiency");
        Assert.Equal([second, first], details.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("modelId").GetString()));
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/deployments");
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [SkippableFact]
    public async Task DeployingAnUnknownModelNamesTheField()
    {
        var response = await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = Guid.NewGuid() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("modelId", out _));
    }

    [SkippableFact]
    public async Task ADeploymentNameWithPathCharactersIsRefused()
    {
        var response = await Client.PutAsJsonAsync("/api/deployments/..%2Fetc", new { modelId = Guid.NewGuid() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [SkippableFact]
    public async Task PredictingThroughAnUnknownDeploymentIsNotFoundProblem()
    {
        var problem = await (await Client.PostAsJsonAsync("/api/deployments/nowhere/predict", Record)).AssertProblemAsync(
            HttpStatusCode.NotFound);
        Assert.Contains("PUT /api/deployments", problem.GetProperty("detail").GetString());
        await (await Client.DeleteAsync("/api/deployments/nowhere")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class DeploymentsApiTestsOnSqlite() : DeploymentsApiTests(DatabaseProvider.Sqlite);

public sealed class DeploymentsApiTestsOnPostgres() : DeploymentsApiTests(DatabaseProvider.Postgres);
