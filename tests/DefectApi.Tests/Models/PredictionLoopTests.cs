using System.Globalization;

namespace DefectApi.Tests.Models;

/// <summary>The whole product loop: upload → train → predict, for a defect (binary) and an efficiency (regression) target.</summary>
/// <summary>Runs on both providers: <see cref="PredictionLoopTestsOnSqlite"/> and <see cref="PredictionLoopTestsOnPostgres"/>.</summary>
public abstract class PredictionLoopTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    [SkippableFact]
    public async Task ABinaryModelScoresRecordsInOrderWithProbabilityAndDecision()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(rows: 600), "Defect", new { epochs = 150, hiddenLayers = new[] { 32 } });
        var modelId = job.GetProperty("modelId").GetString();
        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}");
        Assert.Equal("binary", model.GetProperty("task").GetString());
        Assert.Equal("1", model.GetProperty("positiveClass").GetString());
        Assert.True(model.GetProperty("metrics").GetProperty("auc").GetDouble() > 0.95);
        Assert.DoesNotContain("Serial", model.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var response = await Client.PostAsJsonAsync($"/api/models/{modelId}/predict", new
        {
            records = new object[]
            {
                new Dictionary<string, object?> { ["Shift"] = "early", ["Temperature [C]"] = 98.0, ["Speed [rpm]"] = 1950.0 },
                new Dictionary<string, object?> { ["Shift"] = "night", ["Temperature [C]"] = 62.0, ["Speed [rpm]"] = 1050.0 },
                new Dictionary<string, object?> { ["Shift"] = "late", ["Temperature [C]"] = 97.0, ["Speed [rpm]"] = 1900.0 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(3, predictions.Count);
        Assert.True(predictions[0].GetProperty("probability").GetDouble() > 0.5);
        Assert.True(predictions[0].GetProperty("defect").GetBoolean());
        Assert.Equal("1", predictions[0].GetProperty("label").GetString());
        Assert.True(predictions[1].GetProperty("probability").GetDouble() < 0.5);
        Assert.False(predictions[1].GetProperty("defect").GetBoolean());
        Assert.Equal("0", predictions[1].GetProperty("label").GetString());
        Assert.True(predictions[2].GetProperty("defect").GetBoolean());
    }

    [SkippableFact]
    public async Task ARegressionModelPredictsInTheTargetsUnit()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 400), "efficiency", new
        {
            epochs = 200,
            hiddenLayers = new[] { 16 }
        });
        var modelId = job.GetProperty("modelId").GetString();
        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}");
        Assert.Equal("regression", model.GetProperty("task").GetString());
        Assert.True(model.GetProperty("metrics").GetProperty("r2").GetDouble() > 0.9);
        var points = model.GetProperty("validationPredictions").EnumerateArray().ToList();
        Assert.InRange(points.Count, 50, 500);
        Assert.All(points, p => Assert.InRange(p.GetProperty("actual").GetDouble(), 0.3, 0.9));

        var response = await Client.PostAsJsonAsync($"/api/models/{modelId}/predict", new
        {
            records = new[]
            {
                new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = 50, ["smv"] = 10.0 },
                new Dictionary<string, object?> { ["team"] = "T2", ["workers"] = 12, ["smv"] = 40.0 },
            },
        });

        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("value").GetDouble()).ToList();
        Assert.Equal(0.5 + 0.004 * 50 - 0.002 * (10 - 20), predictions[0], 0.03);
        Assert.Equal(0.5 + 0.004 * 12 - 0.002 * (40 - 20), predictions[1], 0.03);
    }

    [SkippableFact]
    public async Task ACsvBodyIsScoredAsCsvWithExtraColumnsPassedThrough()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 300), "efficiency", new { epochs = 50 });
        var csv = "lot,team,workers,smv\nL-001,T1,50,10\nL-002,T2,12,40\n";

        var response = await Client.PostAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict",
            new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("lot,team,workers,smv,", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("L-001,T1,50,10,", lines[1]);
        Assert.StartsWith("L-002,T2,12,40,", lines[2]);
        var value = double.Parse(lines[1].Split(',')[4].Trim('"'), CultureInfo.InvariantCulture);
        Assert.InRange(value, 0.6, 0.85);
    }

    [SkippableFact]
    public async Task RecordsWithMissingInputsAndWrongTypesFailTogetherNamingEachCell()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 5 });

        var response = await Client.PostAsJsonAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict", new
        {
            records = new[]
            {
                new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = 50, ["smv"] = 10.0 },
                new Dictionary<string, object?> { ["team"] = "T1", ["smv"] = 10.0 },
                new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = "many", ["smv"] = 10.0 },
            },
        });

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("records[1].workers", out _));
        Assert.True(errors.TryGetProperty("records[2].workers", out _));
        Assert.False(errors.TryGetProperty("records[0].workers", out _));
    }

    [SkippableFact]
    public async Task ANullValueIsFilledTheWayTrainingFilledIt()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 5 });

        var response = await Client.PostAsJsonAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict", new
        {
            records = new[] { new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = null, ["smv"] = 10.0 } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [SkippableFact]
    public async Task PredictingWithAnUnknownModelIsNotFoundProblem()
    {
        var response = await Client.PostAsJsonAsync($"/api/models/{Guid.NewGuid()}/predict", new { records = Array.Empty<object>() });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task PredictingWithoutRecordsArrayIsABadRequest()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 100), "efficiency", new { epochs = 2 });

        var response = await Client.PostAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict", ApiClient.Json("[1,2]"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("records", out _));
    }
}

public sealed class PredictionLoopTestsOnSqlite() : PredictionLoopTests(DatabaseProvider.Sqlite);

public sealed class PredictionLoopTestsOnPostgres() : PredictionLoopTests(DatabaseProvider.Postgres);
