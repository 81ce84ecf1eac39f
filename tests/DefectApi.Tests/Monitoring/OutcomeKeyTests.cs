namespace DefectApi.Tests.Monitoring;

/// <summary>Outcomes by a declared key column (a part serial): declared on the deployment, looked up by index, kept
/// when they come before their prediction, given to the latest prediction of the key.
/// Runs on both providers: <see cref="OutcomeKeyTestsOnSqlite"/> and <see cref="OutcomeKeyTestsOnPostgres"/>.</summary>
public abstract class OutcomeKeyTests(DatabaseProvider provider) : DeploymentMonitoringSuite(provider)
{
    async Task<string> DeployWithSerialKeyAsync()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId, keyColumns = new[] { "Serial" } });
        return modelId;
    }

    [SkippableFact]
    public async Task DeclaredKeyColumnsAreAnsweredByPutAndShownByGet()
    {
        var modelId = await TrainDefectModelAsync();

        var put = await DeployAsync("line3", new { modelId, keyColumns = new[] { "Serial", "Shift" } });
        var get = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3");

        string[] declared = ["Serial", "Shift"];
        Assert.Equal(declared, put.GetProperty("keyColumns").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(declared, get.GetProperty("keyColumns").EnumerateArray().Select(k => k.GetString()));
    }

    [SkippableFact]
    public async Task AKeyColumnNotDeclaredIsRefusedNamingTheDeclaredOnesAndNothingIsStored()
    {
        var modelId = await DeployWithSerialKeyAsync();
        var parts = LineParts.Spread(3);

        var asJson = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { keyColumn = "Shift", outcomes = parts.Select(p => new { key = p.Shift, actual = p.Actual }) });
        var asCsv = await Client.PostAsync("/api/deployments/line3/outcomes?keyColumn=Shift",
            Csv("Shift,actual\n" + string.Concat(parts.Select(p => $"{p.Shift},{p.Actual}\n"))));
        // Had the refused outcomes been kept, declaring Shift now would let them join the parts predicted next.
        await DeployAsync("line3", new { modelId, keyColumns = new[] { "Serial", "Shift" } });
        await PredictThroughAsync("line3", parts);
        await FlushAsync();

        foreach (var refused in new[] { asJson, asCsv })
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("Serial", problem.GetRawText());
        }
        var bucket = BucketOf(await BucketsAsync("line3"), modelId);
        Assert.Equal((3, 0), (bucket.GetProperty("predictions").GetInt32(), bucket.GetProperty("withOutcome").GetInt32()));
    }

    [SkippableFact]
    public async Task AKeyPredictedTwiceGivesItsOutcomeToTheLatestPrediction()
    {
        await DeployWithSerialKeyAsync();
        var hot = new Part("SN-77", "early", 97.5, 1900, Defective: false);
        var cold = hot with { Temperature = 61.25, Speed = 1100 };
        await PredictThroughAsync("line3", [hot]);
        await FlushAsync();
        await Task.Delay(5);   // a later millisecond, so "latest" is not a tie
        await PredictThroughAsync("line3", [cold]);
        await FlushAsync();

        var reported = await PostOutcomesBySerialAsync("line3", [cold with { Defective = true }]);

        Assert.Equal((1, 0), (Matched(reported), Pending(reported).Length));
        var log = await LogAsync("line3");
        var actualAt = log.Column("actual");
        var byTemperature = log.Rows.ToDictionary(r => r[log.Column("Temperature [C]")], r => r[actualAt]);
        Assert.Equal(new Dictionary<string, string> { ["97.5"] = "", ["61.25"] = "1" }, byTemperature);
    }

    [SkippableFact]
    public async Task AKeyOutcomeSentBeforeItsPredictionIsPendingAndJoinsWhenThePredictionIsLogged()
    {
        var modelId = await DeployWithSerialKeyAsync();
        var parts = LineParts.Spread(6);

        var reported = await PostOutcomesBySerialAsync("line3", parts);
        var answers = await PredictThroughAsync("line3", parts);
        await FlushAsync();

        Assert.Equal(0, Matched(reported));
        Assert.Equal(parts.Select(p => p.Serial).Order(), Pending(reported));
        HandFigures.AssertBucket(BucketOf(await BucketsAsync("line3"), modelId), parts.Count, answers.Zip(parts, Judged.Of).ToList());
        var log = await LogAsync("line3");
        Assert.Equal(parts.ToDictionary(p => p.Serial, p => p.Actual), log.Rows.ToDictionary(r => r[log.Column("Serial")],
            r => r[log.Column("actual")]));
    }

    [SkippableFact]
    public async Task AMalformedActualIsRefusedAndNothingIsStoredNotEvenTheSoundOutcomesBesideIt()
    {
        var modelId = await DeployWithSerialKeyAsync();
        var parts = LineParts.Spread(2);

        var malformed = await Client.PostAsJsonAsync("/api/deployments/line3/outcomes", new
        {
            keyColumn = "Serial",
            outcomes = new[] { new { key = parts[0].Serial, actual = "1" }, new { key = parts[1].Serial, actual = "broken" } },
        });
        await PredictThroughAsync("line3", parts);
        await FlushAsync();

        var problem = await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'broken' is not a class", problem.GetProperty("errors").GetProperty("outcomes[1].actual")[0].GetString());
        var bucket = BucketOf(await BucketsAsync("line3"), modelId);
        Assert.Equal((2, 0), (bucket.GetProperty("predictions").GetInt32(), bucket.GetProperty("withOutcome").GetInt32()));
    }
}

public sealed class OutcomeKeyTestsOnSqlite() : OutcomeKeyTests(DatabaseProvider.Sqlite);

public sealed class OutcomeKeyTestsOnPostgres() : OutcomeKeyTests(DatabaseProvider.Postgres);
