namespace DefectApi.Tests.Training;

/// <summary>validation, timeColumn and groupColumn: a request that cannot be run is a 400 saying what to change, and
/// a model states which validation gave its metrics.</summary>
public abstract class ValidationRequestTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    /// <summary>DefectsCsv plus a lot column, a constant plant column and a timestamp.</summary>
    static string LotsCsv()
    {
        var lines = TestData.DefectsCsv(rows: 60).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', lines.Select((line, i) => i == 0
            ? line + ",Lot,Plant,Made"
            : $"{line},LOT{(i - 1) / 6},P7,2024-03-{1 + (i - 1) / 3:D2}T{(i - 1) % 3 * 8:D2}:00:00")) + "\n";
    }

    async Task<JsonElement> ProblemFor(object extra)
    {
        var dataset = await Client.UploadAsync(LotsCsv());
        var request = new Dictionary<string, object?> { ["datasetId"] = dataset.GetProperty("id").GetString(), ["target"] = "Defect" };
        foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject()) request[property.Name] = property.Value;
        var response = await Client.PostAsJsonAsync("/api/training-jobs", request);
        return await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    static string Error(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    [SkippableFact]
    public async Task AnUnknownValidationIsABadRequestListingTheChoices() =>
        Assert.Equal("Use one of: random, time.", Error(await ProblemFor(new { validation = "weekly" }), "validation"));

    [SkippableFact]
    public async Task AnUnknownTimeColumnIsABadRequestListingTheColumnsThatCanOrderRows()
    {
        var message = Error(await ProblemFor(new { validation = "time", timeColumn = "Shipped" }), "timeColumn");
        Assert.Contains("no column 'Shipped'", message);
        Assert.Contains("Made", message);
    }

    [SkippableFact]
    public async Task ATimeColumnThatIsNeitherATimeNorANumberIsABadRequest()
    {
        var message = Error(await ProblemFor(new { validation = "time", timeColumn = "Shift" }), "timeColumn");
        Assert.Contains("'Shift' is categorical", message);
    }

    [SkippableFact]
    public async Task AnUnknownGroupColumnIsABadRequest() =>
        Assert.Contains("no column 'Batch'", Error(await ProblemFor(new { groupColumn = "Batch" }), "groupColumn"));

    [SkippableFact]
    public async Task AGroupColumnWithASingleGroupIsABadRequest() =>
        Assert.Contains("'Plant' has a single value", Error(await ProblemFor(new { groupColumn = "Plant" }), "groupColumn"));

    [SkippableFact]
    public async Task AModelStatesWhichValidationGaveItsMetrics()
    {
        var job = await Client.TrainAsync(LotsCsv(), "Defect",
            new { validation = "time", groupColumn = "Lot", ensembleSize = 2, epochs = 5, earlyStoppingPatience = 0 });
        Assert.Equal("time", job.GetProperty("request").GetProperty("validation").GetString());

        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{job.GetProperty("modelId").GetString()}");

        var validation = model.GetProperty("validation");
        Assert.Equal("time", validation.GetProperty("kind").GetString());
        Assert.Equal("Made", validation.GetProperty("timeColumn").GetString());
        Assert.Equal("Lot", validation.GetProperty("groupColumn").GetString());
        Assert.Contains("the dataset's only datetime column", validation.GetProperty("note").GetString());
        Assert.Equal("auc", validation.GetProperty("metric").GetString());
        Assert.Equal(2, validation.GetProperty("folds").GetInt32());
        Assert.Equal(JsonValueKind.Null, validation.GetProperty("timeOrdered").ValueKind);
        Assert.Equal("time", model.GetProperty("metrics").GetProperty("validation").GetString());
        // The finished job says the same, so a client that only follows the job sees it before deploying.
        Assert.Equal(validation.GetRawText(), job.GetProperty("validation").GetRawText());
    }

    [SkippableFact]
    public async Task RandomFoldsOnDataWithATimeReportTheTimeOrderedFigureBeside()
    {
        var job = await Client.TrainAsync(LotsCsv(), "Defect", new { ensembleSize = 2, epochs = 5, earlyStoppingPatience = 0 });

        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{job.GetProperty("modelId").GetString()}");

        var validation = model.GetProperty("validation");
        Assert.Equal("random", validation.GetProperty("kind").GetString());
        var timeOrdered = validation.GetProperty("timeOrdered");
        Assert.Equal("Made", timeOrdered.GetProperty("timeColumn").GetString());
        Assert.Equal(2, timeOrdered.GetProperty("folds").GetInt32());
        Assert.Equal(JsonValueKind.Number, timeOrdered.GetProperty("value").ValueKind);
        Assert.Equal("random", model.GetProperty("metrics").GetProperty("validation").GetString());
        Assert.Equal(timeOrdered.GetRawText(), job.GetProperty("validation").GetProperty("timeOrdered").GetRawText());
    }
}

public sealed class ValidationRequestTestsOnSqlite() : ValidationRequestTests(DatabaseProvider.Sqlite);

public sealed class ValidationRequestTestsOnPostgres() : ValidationRequestTests(DatabaseProvider.Postgres);
