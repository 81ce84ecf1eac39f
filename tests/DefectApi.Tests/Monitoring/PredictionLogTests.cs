using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Monitoring;
using DefectApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DefectApi.Tests.Monitoring;

/// <summary>Runs on both providers: <see cref="PredictionLogTestsOnSqlite"/> and <see cref="PredictionLogTestsOnPostgres"/>.</summary>
public abstract class PredictionLogTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    const string Part1 = """{"Serial":"SN-1","Shift":"early","Temperature [C]":95.5,"Speed [rpm]":1900}""";
    const string Part2 = """{"Serial":"SN-2","Shift":"late","Temperature [C]":61,"Speed [rpm]":1100}""";

    async Task<string> DeployDefectModelAsync(string name = "line3", int seed = 7, string[]? keyColumns = null)
    {
        var modelId = (await Client.TrainAsync(TestData.DefectsCsv(seed: seed), "Defect", new { epochs = 5, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString()!;
        (await Client.PutAsJsonAsync($"/api/deployments/{name}", new { modelId, keyColumns })).EnsureSuccessStatusCode();
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

    /// <summary>A logged answer with what its segment says of it.</summary>
    sealed record LoggedRow(Guid PredictionId, string Deployment, Guid ModelId, Guid? ShadowModelId, string[] Columns, string Line,
        double? Score, string? Label, double? ShadowScore);

    async Task<List<LoggedRow>> LogAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var rows = await (from a in db.LoggedAnswers.AsNoTracking() join s in db.LogSegments.AsNoTracking() on a.SegmentId equals s.Id
                          select new { a, s }).ToListAsync();
        return rows.Select(r => new LoggedRow(PredictionIds.FromBytes(r.a.PredictionId), r.s.DeploymentName, r.s.ModelId, r.s.ShadowModelId,
                JsonSerializer.Deserialize<string[]>(r.s.Columns)!, r.a.Line, r.a.Score, r.a.Label, r.a.ShadowScore)).ToList();
    }

    static readonly string[] PartColumns = ["Serial", "Shift", "Temperature [C]", "Speed [rpm]"];

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
        var log = (await LogAsync()).ToDictionary(p => p.PredictionId);
        Assert.Equal(ids.Order(), log.Keys.Order());
        Assert.All(log.Values, p => Assert.Equal(("line3", Guid.Parse(modelId), (Guid?)null), (p.Deployment, p.ModelId, p.ShadowModelId)));
        Assert.All(log.Values, p => Assert.Equal(PartColumns, p.Columns));
        Assert.Equal("SN-1,early,95.5,1900", log[ids[0]].Line);
        for (int i = 0; i < 2; i++)
            Assert.Equal((answers[i].GetProperty("probability").GetDouble(), answers[i].GetProperty("label").GetString()), (log[ids[i]].Score, log[ids[i]].Label));
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
        var log = await LogAsync();
        Assert.Equal(new[] { idOf(lines[1]), idOf(lines[3]) }.Order(), log.Select(p => p.PredictionId.ToString()).Order());
        Assert.Equal("SN-1,early,95.5,1900", log.Single(p => p.PredictionId.ToString() == idOf(lines[1])).Line);
        Assert.All(log, p => Assert.Equal(PartColumns, p.Columns));
    }

    [SkippableFact]
    public async Task OutcomesMatchByIdOrByDeclaredKeyListThePendingAndALaterOneReplacesTheEarlier()
    {
        await DeployDefectModelAsync(keyColumns: ["Serial"]);
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();
        var first = answers[0].GetProperty("predictionId").GetString();
        var stranger = Guid.NewGuid().ToString();

        var byId = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { outcomes = new object[] { new { predictionId = first, actual = "0" }, new { predictionId = stranger, actual = "1" }, new { predictionId = first, actual = "1" } } });
        var byKey = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { keyColumn = "Serial", outcomes = new object[] { new { key = "SN-2", actual = 0 }, new { key = "SN-9", actual = 1 } } });

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        var idAnswer = await byId.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, idAnswer.GetProperty("matched").GetInt32());
        Assert.Equal([stranger], idAnswer.GetProperty("pending").EnumerateArray().Select(u => u.GetString()));
        var keyAnswer = await byKey.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, "SN-9"), (keyAnswer.GetProperty("matched").GetInt32(), keyAnswer.GetProperty("pending")[0].GetString()));
        var log = CsvTable.Parse(await Client.GetStringAsync("/api/deployments/line3/log"));
        var actualOf = log.Rows.ToDictionary(r => r[log.Column("Serial")], r => r[log.Column("actual")]);
        Assert.Equal("1", actualOf["SN-1"]);   // the later report of the same prediction won
        Assert.Equal("0", actualOf["SN-2"]);
    }

    [SkippableFact]
    public async Task OutcomesAsCsvAreMatchedToo()
    {
        await DeployDefectModelAsync(keyColumns: ["Serial"]);
        var answers = await PredictAsync("/api/deployments/line3/predict", Part1, Part2);
        await FlushAsync();
        var csv = $"predictionId,actual\n{answers[0].GetProperty("predictionId").GetString()},1\n{answers[1].GetProperty("predictionId").GetString()},0\n";

        var response = await Client.PostAsync("/api/deployments/line3/outcomes", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var byKey = await Client.PostAsync("/api/deployments/line3/outcomes?keyColumn=Serial", new StringContent("Serial,actual\nSN-1,0\n", Encoding.UTF8, "text/csv"));

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
        var missing = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes", new { outcomes = new object[] { new { actual = "1" } } });
        var nowhere = await Client.PostAsJsonAsync("/api/deployments/nowhere/outcomes", new { outcomes = new object[] { new { predictionId = Guid.NewGuid(), actual = "1" } } });
        var text = await Client.PostAsync("/api/deployments/line3/outcomes", new StringContent("hello", Encoding.UTF8, "text/plain"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'broken' is not a class", problem.GetProperty("errors").GetProperty("outcomes[1].actual")[0].GetString());
        Assert.True((await missing.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("outcomes[0].predictionId", out _));
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
        Assert.Equal(plain.Select(p => p.GetProperty("probability").GetDouble()), answers.Select(a => a.GetProperty("probability").GetDouble()));
        var log = await LogAsync();
        Assert.Equal(answers.Select(a => a.GetProperty("predictionId").GetGuid()).Order(), log.Select(p => p.PredictionId).Order());
        Assert.All(log, p => Assert.Equal((Guid.Parse(champion), (Guid?)Guid.Parse(challenger)), (p.ModelId, p.ShadowModelId)));
        Assert.All(log, p => Assert.NotNull(p.ShadowScore));   // the shadow's answer rides in the champion's row
        await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { outcomes = answers.Select(a => new { predictionId = a.GetProperty("predictionId").GetString(), actual = "1" }).ToArray() });
        var performance = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3/performance?bucket=hour");
        var buckets = performance.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal([(champion, false), (challenger, true)], buckets.Select(b => (b.GetProperty("modelId").GetString()!, b.GetProperty("shadow").GetBoolean())));
        Assert.All(buckets, b => Assert.Equal((2, 2), (b.GetProperty("predictions").GetInt32(), b.GetProperty("withOutcome").GetInt32())));
        Assert.All(buckets, b => Assert.Equal(1.0, b.GetProperty("metrics").GetProperty("observedDefectRate").GetDouble()));
        Assert.All(buckets, b => Assert.Equal(TimeSpan.Zero, b.GetProperty("start").GetDateTime().TimeOfDay - TimeSpan.FromHours(b.GetProperty("start").GetDateTime().Hour)));

        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = (string?)null })).EnsureSuccessStatusCode();
        await PredictAsync("/api/deployments/line3/predict", Part1);
        await FlushAsync();
        Assert.Equal(2, (await LogAsync()).Count(p => p.ShadowScore is not null));   // removing the shadow stops its scoring
    }

    [SkippableFact]
    public async Task AShadowThatCannotScoreTheRecordsFailsNoRequest()
    {
        var champion = await DeployDefectModelAsync();
        // Same target and task, but it needs a column the callers do not send: every shadow scoring fails.
        var other = new StringBuilder("Serial,Pressure,Defect\n");
        for (int i = 0; i < 200; i++) other.Append($"SN{i},{i % 17},{i % 2}\n");
        var challenger = (await Client.TrainAsync(other.ToString(), "Defect", new { epochs = 2, exclude = new[] { "Serial" } })).GetProperty("modelId").GetString();
        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = challenger })).EnsureSuccessStatusCode();

        var answers = await PredictAsync("/api/deployments/line3/predict", Part1);
        await FlushAsync();

        Assert.True(answers[0].TryGetProperty("probability", out _));
        var log = await LogAsync();
        Assert.Equal([(double?)null], log.Select(p => p.ShadowScore));   // logged, without a shadow answer
    }

    [SkippableFact]
    public async Task AShadowMustBeAnotherStoredModelOfTheSameTarget()
    {
        var champion = await DeployDefectModelAsync();
        var efficiency = (await Client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 })).GetProperty("modelId").GetString();

        foreach (var shadow in new[] { champion, efficiency, Guid.NewGuid().ToString() })
        {
            var response = await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = shadow });
            Assert.True((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("shadowModelId", out _));
        }
    }
}

public sealed class PredictionLogTestsOnSqlite() : PredictionLogTests(DatabaseProvider.Sqlite);

public sealed class PredictionLogTestsOnPostgres() : PredictionLogTests(DatabaseProvider.Postgres);
