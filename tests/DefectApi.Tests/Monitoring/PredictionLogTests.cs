using DefectApi.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Monitoring;

/// <summary>Runs on both providers: <see cref="PredictionLogTestsOnSqlite"/> and <see cref="PredictionLogTestsOnPostgres"/>.</summary>
public abstract class PredictionLogTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    const string Part1 = """{"Serial":"SN-1","Shift":"early","Temperature [C]":95.5,"Speed [rpm]":1900}""";
    const string Part2 = """{"Serial":"SN-2","Shift":"late","Temperature [C]":61,"Speed [rpm]":1100}""";

    async Task<string> DeployDefectModelAsync(string name = "line3", int seed = 7)
    {
        var modelId = (await Client.TrainAsync(TestData.DefectsCsv(seed: seed), "Defect", new { epochs = 5, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString()!;
        (await Client.PutAsJsonAsync($"/api/deployments/{name}", new { modelId, keyColumns = new[] { "Serial" } }))
            .EnsureSuccessStatusCode();
        return modelId;
    }

    async Task<JsonElement[]> PredictAsync(string path, params string[] records)
    {
        var response = await Client.PostAsync(path, ApiClient.Json($$"""{"records":[{{string.Join(",", records)}}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().ToArray();
    }

    /// <summary>What the writer would write at its next flush, written now.</summary>
    Task FlushAsync() => Factory.Services.GetRequiredService<PredictionLogWriter>().WriteQueuedAsync();

    /// <summary>The log as GET …/log streams it: a row per answer, column → field.</summary>
    async Task<List<Dictionary<string, string>>> LogAsync(string name = "line3")
    {
        var response = await Client.GetAsync($"/api/deployments/{name}/log");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>The stored rows, for what the log does not stream (the shadow's answers).</summary>
    async Task<List<LoggedAnswer>> RowsAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<DefectDbContext>().LoggedAnswers.AsNoTracking().ToListAsync();
        return rows.OrderBy(r => PredictionIds.FromBytes(r.PredictionId)).ToList();
    }

    [SkippableFact]
    public async Task EachAnswerThroughADeploymentCarriesAnIdAndIsLoggedWithItsRecordAsSent()
    {
        var modelId = await DeployDefectModelAsync();

        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        var direct = await PredictAsync($"/api/models/{modelId}/predict", Part1);
        await FlushAsync();

        var ids = answers.Select(a => a.GetProperty("predictionId").GetGuid()).ToArray();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.False(direct[0].TryGetProperty("predictionId", out _));   // by model id: not a deployment's answer, not logged
        var rows = await RowsAsync();
        Assert.Equal(ids, rows.Select(r => PredictionIds.FromBytes(r.PredictionId)));
        Assert.Equal(answers.Select(a => a.GetProperty("probability").GetDouble()), rows.Select(r => r.Score!.Value));
        var log = await LogAsync();
        Assert.All(log, p => Assert.Equal(modelId, p["modelId"]));
        Assert.Equal(["SN-1", "early", "95.5", "1900"], new[] { "Serial", "Shift", "Temperature [C]",
            "Speed [rpm]" }.Select(c => log[0][c]));
        Assert.Equal(answers.Select(a => a.GetProperty("label").GetString()), log.Select(p => p["prediction"]));
    }

    [SkippableFact]
    public async Task ACsvAnswerThroughADeploymentHasAPredictionIdColumnAndEachRowIsLogged()
    {
        await DeployDefectModelAsync();
        var csv = "Serial,Shift,Temperature [C],Speed [rpm]\nSN-1,early,95.5,1900\nSN-2,late,hot,1100\nSN-3,night,70,1200\n";

        var response = await Client.PostAsync("/api/deployments/line3/predict", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await FlushAsync();

        Assert.Equal("Serial,Shift,Temperature [C],Speed [rpm],predictionId,label,probability,defect,error", lines[0]);
        var idOf = (string line) => line.Split(',')[4];
        Assert.True(Guid.TryParse(idOf(lines[1]), out _));
        Assert.Equal("", idOf(lines[2]));   // a row with an error is not answered, so not logged
        var rows = await RowsAsync();
        Assert.Equal([idOf(lines[1]), idOf(lines[3])], rows.Select(r => PredictionIds.FromBytes(r.PredictionId).ToString()));
        Assert.Equal(["SN-1,early,95.5,1900", "SN-3,night,70,1200"], rows.Select(r => r.Line));
    }

    [SkippableFact]
    public async Task OutcomesMatchByIdOrByKeyColumnKeepThePendingAndALaterOneReplacesTheEarlier()
    {
        await DeployDefectModelAsync();
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();
        var first = answers[0].GetProperty("predictionId").GetString();
        var stranger = Guid.NewGuid().ToString();

        var byId = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new
            {
                outcomes = new object[] { new { predictionId = first, actual = "0" }, new { predictionId = stranger, actual = "1" },
            new { predictionId = first, actual = "1" } }
            });
        var byKey = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { keyColumn = "Serial", outcomes = new object[] { new { key = "SN-2", actual = 0 }, new { key = "SN-9", actual = 1 } } });

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        var idAnswer = await byId.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, idAnswer.GetProperty("matched").GetInt32());
        Assert.Equal([stranger], idAnswer.GetProperty("pending").EnumerateArray().Select(u => u.GetString()));
        var keyAnswer = await byKey.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, "SN-9"), (keyAnswer.GetProperty("matched").GetInt32(), keyAnswer.GetProperty("pending")[0].GetString()));
        var log = await LogAsync();
        Assert.Equal(["1", "0"], log.Select(p => p["actual"]));   // the later report of the same prediction won
    }

    [SkippableFact]
    public async Task OutcomesAsCsvAreMatchedToo()
    {
        await DeployDefectModelAsync();
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();
        var csv = $"predictionId,actual\n{answers[0].GetProperty("predictionId").GetString()},1\n" +
            $"{answers[1].GetProperty("predictionId").GetString()},0\n";

        var response = await Client.PostAsync("/api/deployments/line3/outcomes", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var byKey = await Client.PostAsync("/api/deployments/line3/outcomes?keyColumn=Serial", new StringContent("Serial,actual\nSN-1,0\n",
            Encoding.UTF8, "text/csv"));

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matched").GetInt32());
        Assert.Equal(1, (await byKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matched").GetInt32());
    }

    [SkippableFact]
    public async Task AnActualThatIsNoClassOfTheModelIsRefusedAndNothingIsStored()
    {
        await DeployDefectModelAsync();
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();

        var response = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes", new
        {
            outcomes = new object[]
            {
                new { predictionId = answers[0].GetProperty("predictionId").GetString(), actual = "1" },
                new { predictionId = answers[1].GetProperty("predictionId").GetString(), actual = "broken" },
            },
        });
        var missing = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { outcomes = new object[] { new { actual = "1" } } });
        var nowhere = await Client.PostAsJsonAsync("/api/deployments/nowhere/outcomes",
            new { outcomes = new object[] { new { predictionId = Guid.NewGuid(), actual = "1" } } });
        var text = await Client.PostAsync("/api/deployments/line3/outcomes", new StringContent("hello", Encoding.UTF8, "text/plain"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'broken' is not a class", problem.GetProperty("errors").GetProperty("outcomes[1].actual")[0].GetString());
        Assert.True((await missing.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(
            "outcomes[0].predictionId", out _));
        await nowhere.AssertProblemAsync(HttpStatusCode.NotFound);
        await text.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DefectDbContext>().Outcomes.CountAsync());
    }

    [SkippableFact]
    public async Task AShadowIsLoggedUnderTheSameIdsNeverChangesAnAnswerAndShowsBesideTheChampion()
    {
        var champion = await DeployDefectModelAsync();
        var challenger = (await Client.TrainAsync(TestData.DefectsCsv(seed: 8), "Defect", new { epochs = 5, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString()!;
        var plain = await PredictAsync($"/api/models/{champion}/predict", Part1, Part2);

        var put = await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = challenger });
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();

        Assert.Equal(challenger, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shadowModelId").GetString());
        Assert.Equal(plain.Select(p => p.GetProperty("probability").GetDouble()), answers.Select(a => a.GetProperty("probability")
            .GetDouble()));
        var rows = await RowsAsync();
        Assert.All(rows, r => Assert.NotNull(r.ShadowScore));   // the shadow's answer sits on the champion's row, under its id
        await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new
            {
                outcomes = answers.Select(a => new { predictionId = a.GetProperty("predictionId").GetString(), actual = "1" })
            .ToArray()
            });
        var performance = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3/performance?bucket=hour");
        var buckets = performance.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal([(champion, false), (challenger, true)], buckets.Select(b => (b.GetProperty("modelId").GetString()!,
            b.GetProperty("shadow").GetBoolean())));
        Assert.All(buckets, b => Assert.Equal((2, 2), (b.GetProperty("predictions").GetInt32(), b.GetProperty("withOutcome").GetInt32())));
        Assert.All(buckets, b => Assert.Equal(1.0, b.GetProperty("metrics").GetProperty("observedDefectRate").GetDouble()));
        Assert.All(buckets, b => Assert.Equal(TimeSpan.Zero, b.GetProperty("start").GetDateTime().TimeOfDay - TimeSpan.FromHours(
            b.GetProperty("start").GetDateTime().Hour)));

        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = (string?)null }))
            .EnsureSuccessStatusCode();
        await PredictAsync("/api/deployments/line3/predict", Part1);
        await FlushAsync();
        Assert.Equal(2, (await RowsAsync()).Count(r => r.ShadowScore is not null));   // removing the shadow stops its scoring
    }

    [SkippableFact]
    public async Task AShadowThatCannotScoreTheRecordsFailsNoRequest()
    {
        var champion = await DeployDefectModelAsync();
        // Same target and task, but it needs a column the callers do not send: every shadow scoring fails.
        var other = new StringBuilder("Serial,Pressure,Defect\n");
        for (int i = 0; i < 200; i++) other.Append($"SN{i},{i % 17},{i % 2}\n");
        var challenger = (await Client.TrainAsync(other.ToString(), "Defect", new { epochs = 2, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString();
        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = challenger }))
            .EnsureSuccessStatusCode();

        var answers = await PredictAsync("/api/deployments/line3/predict", Part1);
        await FlushAsync();

        Assert.True(answers[0].TryGetProperty("probability", out _));
        Assert.Equal([null], (await RowsAsync()).Select(r => r.ShadowScore));
    }

    [SkippableFact]
    public async Task AShadowMustBeAnotherStoredModelOfTheSameTarget()
    {
        var champion = await DeployDefectModelAsync();
        var efficiency = (await Client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 }))
            .GetProperty("modelId").GetString();

        foreach (var shadow in new[] { champion, efficiency, Guid.NewGuid().ToString() })
        {
            var response = await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = shadow });
            Assert.True((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(
                "shadowModelId", out _));
        }
    }
}

public sealed class PredictionLogTestsOnSqlite() : PredictionLogTests(DatabaseProvider.Sqlite);

public sealed class PredictionLogTestsOnPostgres() : PredictionLogTests(DatabaseProvider.Postgres);
