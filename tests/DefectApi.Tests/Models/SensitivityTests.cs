namespace DefectApi.Tests.Models;

[Collection(ProcessModelsCollection.Name)]
public sealed class SensitivityTests(ProcessModelsFixture service)
{
    HttpClient Client => service.Client;

    async Task<List<(double Value, double Prediction)>> NumericPointsAsync(string query)
    {
        var answer = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{service.GarmentsModelId}/sensitivity?{query}");
        return answer.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("value").GetDouble(), p.GetProperty("prediction").GetDouble())).ToList();
    }

    [Fact]
    public async Task ProductivityRisesWithIncentiveAcrossItsTrainingRange()
    {
        var points = await NumericPointsAsync("column=incentive");

        Assert.Equal(25, points.Count);
        Assert.Equal(0, points[0].Value);
        Assert.Equal(100, points[^1].Value);
        // The generated rule adds 0.004 per unit of incentive: 0.4 over the range, far above the model's wiggles.
        for (var i = 1; i < points.Count; i++) Assert.True(points[i].Prediction > points[i - 1].Prediction - 0.01, $"at {points[i].Value}");
        Assert.InRange(points[^1].Prediction - points[0].Prediction, 0.3, 0.5);
    }

    [Fact]
    public async Task ProductivityFallsWithOverTimeAtTheRequestedNumberOfPoints()
    {
        var points = await NumericPointsAsync("column=over_time&points=6");

        Assert.Equal(6, points.Count);
        for (var i = 1; i < points.Count; i++) Assert.True(points[i].Prediction < points[i - 1].Prediction + 0.01, $"at {points[i].Value}");
        Assert.True(points[^1].Prediction < points[0].Prediction - 0.15);
    }

    [Fact]
    public async Task ACategoricalColumnGetsOnePointPerCategoryThroughADeploymentToo()
    {
        var answer = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/ai4i/sensitivity?column=Type");

        Assert.Equal("Type", answer.GetProperty("column").GetString());
        Assert.Equal(["H", "L", "M"], answer.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value")
            .GetString()).Order());
        Assert.All(answer.GetProperty("points").EnumerateArray(), p => Assert.InRange(p.GetProperty("prediction").GetDouble(), 0, 1));
    }

    [Theory]
    [InlineData("column=colour", "column")]
    [InlineData("points=10", "column")]
    [InlineData("column=incentive&points=1", "points")]
    [InlineData("column=incentive&targetClass=high", "targetClass")]
    public async Task AnInvalidQueryIsAProblemNamingIt(string query, string field)
    {
        var response = await Client.GetAsync($"/api/models/{service.GarmentsModelId}/sensitivity?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AnUnknownModelIsNotFound()
    {
        var response = await Client.GetAsync($"/api/models/{Guid.NewGuid()}/sensitivity?column=incentive");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
