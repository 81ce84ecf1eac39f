namespace DefectApi.Tests.Models;

[Collection(ProcessModelsCollection.Name)]
public sealed class ExplanationTests(ProcessModelsFixture service)
{
    HttpClient Client => service.Client;

    static object Records => new
    {
        records = new[]
        {
            new Dictionary<string, object?> { ["Type"] = "L", ["Air temperature [K]"] = 298.9, ["Process temperature [K]"] = 309.1,
                ["Rotational speed [rpm]"] = 2861, ["Torque [Nm]"] = 4.6, ["Tool wear [min]"] = 143 },
            new Dictionary<string, object?> { ["Type"] = "M", ["Air temperature [K]"] = 298.1, ["Process temperature [K]"] = 308.6,
                ["Rotational speed [rpm]"] = 1551, ["Torque [Nm]"] = 42.8, ["Tool wear [min]"] = null },
        },
    };

    [Fact]
    public async Task ExplainingAPredictionListsTheTopFiveColumnsLargestContributionFirst()
    {
        var response = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/predict?explain=true", Records);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");
        foreach (var prediction in predictions.EnumerateArray())
        {
            var reasons = prediction.GetProperty("reasons").EnumerateArray().ToList();
            Assert.Equal(5, reasons.Count);
            var sizes = reasons.Select(r => Math.Abs(r.GetProperty("contribution").GetDouble())).ToList();
            Assert.Equal(sizes.OrderDescending(), sizes);
            Assert.Equal(5, reasons.Select(r => r.GetProperty("column").GetString()).Distinct().Count());
        }
        var first = predictions[0].GetProperty("reasons").EnumerateArray().ToDictionary(r => r.GetProperty("column").GetString()!);
        Assert.Equal(2861, first["Rotational speed [rpm]"].GetProperty("value").GetDouble());
        // A gap is explained as the value it is: null, filled as training filled it.
        var all = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/predict?explain=true&top=50", Records);
        var second = (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions")[1].GetProperty(
            "reasons").EnumerateArray();
        Assert.Equal(JsonValueKind.Null, second.Single(r => r.GetProperty("column").GetString() == "Tool wear [min]")
            .GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task TopChoosesHowManyReasonsAndADeploymentExplainsToo()
    {
        var response = await Client.PostAsJsonAsync("/api/deployments/ai4i/predict?explain=true&top=2", Records);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");
        Assert.All(predictions.EnumerateArray(), p => Assert.Equal(2, p.GetProperty("reasons").GetArrayLength()));
    }

    [Fact]
    public async Task WithoutExplainThereAreNoReasons()
    {
        var response = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/predict", Records);

        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");
        Assert.All(predictions.EnumerateArray(), p => Assert.False(p.TryGetProperty("reasons", out _)));
    }

    [Theory]
    [InlineData("explain=true&top=0", "top")]
    [InlineData("explain=true&top=51", "top")]
    [InlineData("explain=maybe", "explain")]
    public async Task AnInvalidExplainQueryIsAProblemNamingIt(string query, string field)
    {
        var response = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/predict?{query}", Records);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }
}
