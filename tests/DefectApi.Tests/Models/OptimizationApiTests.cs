using Xunit.Abstractions;

namespace DefectApi.Tests.Models;

[Collection(ProcessModelsCollection.Name)]
public sealed class OptimizationApiTests(ProcessModelsFixture service, ITestOutputHelper output)
{
    HttpClient Client => service.Client;

    static readonly object[] MachineSettings =
    [
        new { column = "Torque [Nm]" }, new { column = "Rotational speed [rpm]", step = 1 }, new { column = "Tool wear [min]", step = 1 },
    ];

    [Fact]
    public async Task AFailingMachineGetsSettingsWithinTrainingRangesThatPredictScoresBelowTenPercent()
    {
        var start = await FailingRecordAsync();

        var watch = Stopwatch.StartNew();
        var response = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize",
            new { record = start, goal = "minimize", adjust = MachineSettings, seed = 7 });
        watch.Stop();

        var (answer, recommended, before, after) = await ReadAnswerAsync(response, "probability");
        output.WriteLine($"AI4I failure probability {before:F4} -> {after:F4} in {watch.ElapsedMilliseconds} ms; {recommended}");
        Assert.True(before > 0.5, $"before {before}");
        Assert.True(after < 0.1, $"after {after}");
        Assert.False(answer.GetProperty("outsideTrainingData").GetBoolean());
        var adjustable = new[] { "Torque [Nm]", "Rotational speed [rpm]", "Tool wear [min]" };
        foreach (var (column, value) in start)
            if (!adjustable.Contains(column)) Assert.Equal(JsonSerializer.SerializeToElement(value).ToString(), recommended.GetProperty(
                column).ToString());
        Assert.All(answer.GetProperty("changes").EnumerateArray(), c => Assert.Contains(c.GetProperty("column").GetString(), adjustable));
        var rows = ProcessData.Ai4iRecords(service.Ai4iCsv);
        foreach (var column in adjustable)
        {
            var value = recommended.GetProperty(column).GetDouble();
            Assert.InRange(value, rows.Min(r => (double)r.Record[column]!), rows.Max(r => (double)r.Record[column]!));
        }
        Assert.Equal(Math.Round(recommended.GetProperty("Rotational speed [rpm]").GetDouble()), recommended.GetProperty(
            "Rotational speed [rpm]").GetDouble());
        var check = await PredictAsync($"/api/models/{service.Ai4iModelId}/predict", recommended);
        Assert.Equal(after, check.GetProperty("probability").GetDouble(), 9);
        Assert.True(check.GetProperty("probability").GetDouble() < 0.1);
        watch.Restart();
        for (var i = 0; i < 5; i++)
            (await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize",
                new { record = start, goal = "minimize", adjust = MachineSettings, seed = i })).EnsureSuccessStatusCode();
        output.WriteLine($"warm optimize: {watch.ElapsedMilliseconds / 5} ms per request");
    }

    [Fact]
    public async Task MaximisingProductivityWithWorkersAndSmvFixedRaisesThePredictionWithinRanges()
    {
        var start = new Dictionary<string, object?>
        {
            ["department"] = "sewing", ["no_of_workers"] = 30, ["smv"] = 22.5, ["incentive"] = 20,
            ["over_time"] = 6000
        };

        var response = await Client.PostAsJsonAsync($"/api/models/{service.GarmentsModelId}/optimize", new
        {
            record = start, goal = "maximize", seed = 3,
            adjust = new object[] { new { column = "incentive", min = 0, max = 100, step = 5 }, new { column = "over_time", min = 0,
                max = 10000, step = 60 } },
        });

        var (answer, recommended, before, after) = await ReadAnswerAsync(response, "value");
        output.WriteLine($"garments productivity {before:F4} -> {after:F4}; {recommended}");
        Assert.True(after > before + 0.1, $"{before} -> {after}");
        Assert.Equal(30, recommended.GetProperty("no_of_workers").GetDouble());
        Assert.Equal(22.5, recommended.GetProperty("smv").GetDouble());
        Assert.Equal("sewing", recommended.GetProperty("department").GetString());
        Assert.InRange(recommended.GetProperty("incentive").GetDouble(), 0, 100);
        Assert.Equal(0, recommended.GetProperty("incentive").GetDouble() % 5);
        // The training data never went beyond 8000 minutes, so neither may the recommendation.
        Assert.InRange(recommended.GetProperty("over_time").GetDouble(), 0, 8000);
        Assert.Equal(0, recommended.GetProperty("over_time").GetDouble() % 60);
        Assert.False(answer.GetProperty("outsideTrainingData").GetBoolean());
        var check = await PredictAsync($"/api/models/{service.GarmentsModelId}/predict", recommended);
        Assert.Equal(after, check.GetProperty("value").GetDouble(), 9);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameRecommendationThroughADeployment()
    {
        var body = new { record = await FailingRecordAsync(), goal = "target", targetValue = 0.3, adjust = MachineSettings, seed = 11 };

        var first = await Client.PostAsJsonAsync("/api/deployments/ai4i/optimize", body);
        var second = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var after = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("after").GetProperty("probability").GetDouble();
        Assert.InRange(after, 0.2, 0.4);
    }

    [Fact]
    public async Task ARangeBeyondTheTrainingDataIsAllowedOnlyWhenAskedAndThenReported()
    {
        var record = await FailingRecordAsync();
        var adjust = new[] { new { column = "Torque [Nm]", min = 100.0, max = 120.0 } };

        var refused = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize", new
        {
            record,
            goal = "minimize", adjust
        });
        var allowed = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize",
            new { record, goal = "minimize", adjust, allowOutsideTrainingData = true });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("adjust[0].min", out _));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var answer = await allowed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("outsideTrainingData").GetBoolean());
        Assert.InRange(answer.GetProperty("recommended").GetProperty("Torque [Nm]").GetDouble(), 100, 120);
    }

    [Fact]
    public async Task ValueListsBeyondTheSearchLimitAreRefusedAndListsWithinItAreSearched()
    {
        // 5 lists of 8,000 values: 8,000^5 combinations (more than a long holds) and 40,000 values to sweep.
        var columns = new[] { "Air temperature [K]", "Process temperature [K]", "Rotational speed [rpm]", "Torque [Nm]",
            "Tool wear [min]" };
        var rows = ProcessData.Ai4iRecords(service.Ai4iCsv);
        object[] Lists(int count) => columns.Select(column =>
        {
            double min = rows.Min(r => (double)r.Record[column]!), max = rows.Max(r => (double)r.Record[column]!);
            return new
            {
                column, values = Enumerable.Range(0, count).Select(i => Math.Round(min + (max - min) * i / (count - 1), 6))
                .ToArray()
            };
        }).ToArray<object>();
        var record = await FailingRecordAsync();

        var tooMany = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize",
            new { record, goal = "minimize", adjust = Lists(8000), allowOutsideTrainingData = true });
        var watch = Stopwatch.StartNew();
        var withinLimit = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/optimize",
            new { record, goal = "minimize", adjust = Lists(200), allowOutsideTrainingData = true });

        var problem = await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("adjust")[0].GetString();
        Assert.Contains("40,000", message);
        Assert.Contains("at most 1,000", message);
        var (_, _, before, after) = await ReadAnswerAsync(withinLimit, "probability");
        output.WriteLine($"5 lists of 200 values: {before:F4} -> {after:F4} in {watch.ElapsedMilliseconds} ms");
        Assert.True(after < before);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"goal":"minimize","adjust":[{"column":"Torque [Nm]"}]}""", "record" },
        { """{"record":{REC},"adjust":[{"column":"Torque [Nm]"}]}""", "goal" },
        { """{"record":{REC},"goal":"lowest","adjust":[{"column":"Torque [Nm]"}]}""", "goal" },
        { """{"record":{REC},"goal":"target","adjust":[{"column":"Torque [Nm]"}]}""", "targetValue" },
        { """{"record":{REC},"goal":"target","targetValue":3,"adjust":[{"column":"Torque [Nm]"}]}""", "targetValue" },
        { """{"record":{REC},"goal":"minimize","targetClass":"1","adjust":[{"column":"Torque [Nm]"}]}""", "targetClass" },
        { """{"record":{REC},"goal":"minimize","adjust":[]}""", "adjust" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Torque [Nm]"},{"column":"Colour"}]}""", "adjust[1].column" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Torque [Nm]"},{"column":"Torque [Nm]"}]}""", "adjust[1].column" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Torque [Nm]","min":60,"max":20}]}""", "adjust[0].min" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Torque [Nm]","step":0}]}""", "adjust[0].step" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Torque [Nm]","min":0,"max":4,"step":3}]}""", "adjust[0].step" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Type","min":1,"max":2}]}""", "adjust[0].values" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Type","values":[]}]}""", "adjust[0].values" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Type","values":["L","X"]}]}""", "adjust[0].values[1]" },
        { """{"record":{REC},"goal":"minimize","adjust":[{"column":"Tool wear [min]","values":[10,"many"]}]}""", "adjust[0].values[1]" },
        { """{"record":{"Type":"L"},"goal":"minimize","adjust":[{"column":"Torque [Nm]"}]}""", "record.Torque [Nm]" },
        { """{"record":{REC,"Torque [Nm]":"high"},"goal":"minimize","adjust":[{"column":"Torque [Nm]"}]}""", "record.Torque [Nm]" },
        { """{"record":{REC,"Torque [Nm]":[1]},"goal":"minimize","adjust":[{"column":"Torque [Nm]"}]}""", "record.Torque [Nm]" },
    };

    const string Record = "\"Type\":\"L\",\"Air temperature [K]\":298.1,\"Process temperature [K]\":308.6,\"Rotational speed " +
        "[rpm]\":1551,\"Tool wear [min]\":100";

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task AnInvalidRequestIsAProblemNamingTheField(string body, string field)
    {
        // Torque is added last so that a record overriding it (a JSON object's later key wins) stays one object.
        body = body.Replace("{REC}", "{" + Record + (body.Contains("{REC,") ? "" : ",\"Torque [Nm]\":40}")).Replace("{REC,",
            "{" + Record + ",");

        var response = await Client.PostAsync($"/api/models/{service.Ai4iModelId}/optimize", ApiClient.Json(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AGoalWithATargetValueLandsNearIt()
    {
        var record = new { department = "sewing", no_of_workers = 30, smv = 22.5, incentive = 20, over_time = 6000 };

        var response = await Client.PostAsJsonAsync($"/api/models/{service.GarmentsModelId}/optimize",
            new { record, goal = "target", targetValue = 0.45, adjust = new[] { new { column = "incentive" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("after").GetProperty("value").GetDouble();
        Assert.InRange(after, 0.43, 0.47);
    }

    [Fact]
    public async Task AnUnknownModelOrDeploymentIsNotFound()
    {
        var body = new { record = new { }, goal = "minimize", adjust = new[] { new { column = "x" } } };

        var model = await Client.PostAsJsonAsync($"/api/models/{Guid.NewGuid()}/optimize", body);
        var deployment = await Client.PostAsJsonAsync("/api/deployments/nowhere/optimize", body);

        await model.AssertProblemAsync(HttpStatusCode.NotFound);
        await deployment.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>The first failed machine in the sample that the model also scores above 0.5.</summary>
    async Task<Dictionary<string, object?>> FailingRecordAsync()
    {
        var failed = ProcessData.Ai4iRecords(service.Ai4iCsv).Where(r => r.Failed).Select(r => r.Record).ToList();
        var response = await Client.PostAsJsonAsync($"/api/models/{service.Ai4iModelId}/predict", new { records = failed });
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().ToList();
        return failed[predictions.FindIndex(p => p.GetProperty("probability").GetDouble() > 0.5)];
    }

    /// <summary>A 200 answer with its recommended record and the before and after values of one prediction field.</summary>
    static async Task<(JsonElement Answer, JsonElement Recommended, double Before, double After)> ReadAnswerAsync(
        HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (answer, answer.GetProperty("recommended"), answer.GetProperty("before").GetProperty(field).GetDouble(),
            answer.GetProperty("after").GetProperty(field).GetDouble());
    }

    async Task<JsonElement> PredictAsync(string route, JsonElement record)
    {
        var response = await Client.PostAsJsonAsync(route, new { records = new[] { record } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions")[0];
    }
}
