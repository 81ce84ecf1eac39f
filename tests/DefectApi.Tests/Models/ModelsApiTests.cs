namespace DefectApi.Tests.Models;

/// <summary>Runs on both providers: <see cref="ModelsApiTestsOnSqlite"/> and <see cref="ModelsApiTestsOnPostgres"/>.</summary>
public abstract class ModelsApiTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    [SkippableFact]
    public async Task AModelShowsItsInputsMetricsAndHistory()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new
        {
            epochs = 10, earlyStoppingPatience = 0,
            modelName = "line3-defects", ensembleSize = 3
        });

        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{job.GetProperty("modelId").GetString()}");

        Assert.Equal("line3-defects", model.GetProperty("name").GetString());
        Assert.Equal(1, model.GetProperty("version").GetInt32());
        Assert.Equal("Defect", model.GetProperty("target").GetString());
        Assert.Equal(30, model.GetProperty("history").GetArrayLength());
        // Each of the 3 members' 10 epochs on its own axis, and the epoch whose weights the member keeps: its best AUC.
        var history = model.GetProperty("history").EnumerateArray().ToList();
        foreach (var member in history.GroupBy(h => h.GetProperty("member").GetInt32()))
        {
            Assert.Equal(Enumerable.Range(1, 10), member.Select(h => h.GetProperty("memberEpoch").GetInt32()));
            var chosen = Assert.Single(member, h => h.GetProperty("chosen").GetBoolean());
            Assert.Equal(member.Max(h => h.GetProperty("validationMetric").GetDouble()), chosen.GetProperty("validationMetric")
                .GetDouble());
        }
        Assert.Equal([1, 2, 3], history.Select(h => h.GetProperty("member").GetInt32()).Distinct());
        foreach (var metric in new[] { "auc", "prAuc", "logLoss", "accuracy", "precision", "recall", "f1", "threshold" })
            Assert.True(model.GetProperty("metrics").TryGetProperty(metric, out _), metric);
        Assert.Equal(2, model.GetProperty("metrics").GetProperty("confusionMatrix").GetArrayLength());
        var inputs = model.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal("categorical", inputs["Shift"].GetProperty("type").GetString());
        Assert.Equal("numeric", inputs["Speed [rpm]"].GetProperty("type").GetString());
        Assert.Equal(job.GetProperty("id").GetString(), model.GetProperty("jobId").GetString());
    }

    [SkippableFact]
    public async Task TrainingTheSameNameAgainCountsTheVersionUp()
    {
        await Client.TrainAsync(TestData.DefectsCsv(seed: 1), "Defect", new { epochs = 2, modelName = "m" });
        await Client.TrainAsync(TestData.DefectsCsv(seed: 2), "Defect", new { epochs = 2, modelName = "m" });

        var list = await Client.GetFromJsonAsync<JsonElement>("/api/models");

        Assert.Equal([2, 1], list.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("version").GetInt32()));
    }

    [SkippableFact]
    public async Task SettingTheThresholdChangesDecisionsAndMetrics()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(rows: 600), "Defect", new { epochs = 60 });
        var modelId = job.GetProperty("modelId").GetString();

        var response = await Client.PutAsJsonAsync($"/api/models/{modelId}/threshold", new { threshold = 0.999999 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0.999999, model.GetProperty("threshold").GetDouble(), 9);
        var stored = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}");
        Assert.Equal(0.999999, stored.GetProperty("threshold").GetDouble(), 9);
        var prediction = await Client.PostAsJsonAsync($"/api/models/{modelId}/predict", new
        {
            records = new[] { new Dictionary<string, object?> { ["Shift"] = "early", ["Temperature [C]"] = 70.0,
                ["Speed [rpm]"] = 1100.0 } },
        });
        var first = (await prediction.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions")[0];
        Assert.False(first.GetProperty("defect").GetBoolean());
    }

    [SkippableFact]
    public async Task SettingAThresholdOutsideZeroToOneNamesTheField()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 2 });

        var response = await Client.PutAsJsonAsync($"/api/models/{job.GetProperty("modelId").GetString()}/threshold",
            new { threshold = 1.5 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("threshold", out _));
    }

    [SkippableFact]
    public async Task DeletingADeployedModelIsAConflictUntilTheDeploymentGoes()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 2 });
        var modelId = job.GetProperty("modelId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId })).StatusCode);

        var problem = await (await Client.DeleteAsync($"/api/models/{modelId}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("line3", problem.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/deployments/line3")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/models/{modelId}")).StatusCode);
        await (await Client.GetAsync($"/api/models/{modelId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class ModelsApiTestsOnSqlite() : ModelsApiTests(DatabaseProvider.Sqlite);

public sealed class ModelsApiTestsOnPostgres() : ModelsApiTests(DatabaseProvider.Postgres);
