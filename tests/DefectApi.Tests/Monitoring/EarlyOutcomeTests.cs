namespace DefectApi.Tests.Monitoring;

/// <summary>An inline check answers within a second of the prediction, before the log is written. With the writer's
/// flush a minute away, every outcome sent at once must be kept as pending and count once its answer is written.
/// Runs on both providers: <see cref="EarlyOutcomeTestsOnSqlite"/> and <see cref="EarlyOutcomeTestsOnPostgres"/>.</summary>
public abstract class EarlyOutcomeTests(DatabaseProvider provider) : DeploymentMonitoringSuite(provider, new Dictionary<string, string?>
{
    ["PredictionLog:FlushIntervalMilliseconds"] = "60000",
})
{
    [SkippableFact]
    public async Task AnOutcomeForAnAnswerStillInMemoryIsPendingAndCountsInPerformanceOnceTheAnswerIsWritten()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId });
        var parts = LineParts.Spread(8);
        var answers = await PredictThroughAsync("line3", parts);

        var reported = await PostOutcomesByIdAsync("line3", answers.Zip(parts, (a, p) => (a, p.Actual)));
        var beforeTheFlush = await BucketsAsync("line3");
        await FlushAsync();
        var afterTheFlush = await BucketsAsync("line3");

        Assert.Equal(0, Matched(reported));
        Assert.Equal(answers.Select(IdOf).Order(), Pending(reported));
        Assert.Empty(beforeTheFlush);   // the answers were still in memory: nothing had been written yet
        HandFigures.AssertBucket(BucketOf(afterTheFlush, modelId), parts.Count, answers.Zip(parts, Judged.Of).ToList());
    }

    [SkippableFact]
    public async Task OutcomesAsCsvSentStraightAfterCsvPredictionsAreAllKeptAndJoined()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId });
        var parts = LineParts.Spread(50);
        var request = new StringBuilder("Serial,Shift,Temperature [C],Speed [rpm]\n");
        foreach (var p in parts) request.Append(FormattableString.Invariant($"{p.Serial},{p.Shift},{p.Temperature},{p.Speed}\n"));

        var scored = await Client.PostAsync("/api/deployments/line3/predict", Csv(request.ToString()));
        var answer = CsvTable.Parse(await scored.Content.ReadAsStringAsync());
        var ids = answer.Cells("predictionId").ToArray();
        var outcomes = new StringBuilder("predictionId,actual\n");
        for (int i = 0; i < parts.Count; i++) outcomes.Append($"{ids[i]},{parts[i].Actual}\n");
        var reported = await Client.PostAsync("/api/deployments/line3/outcomes", Csv(outcomes.ToString()));
        var reportedBody = await reported.Content.ReadAsStringAsync();
        await FlushAsync();

        Assert.True(reported.StatusCode == HttpStatusCode.OK, reportedBody);
        var reportedAnswer = System.Text.Json.JsonDocument.Parse(reportedBody).RootElement;
        Assert.Equal((0, parts.Count), (Matched(reportedAnswer), Pending(reportedAnswer).Length));
        var bucket = BucketOf(await BucketsAsync("line3"), modelId);
        Assert.Equal((parts.Count, parts.Count), (bucket.GetProperty("predictions").GetInt32(), bucket.GetProperty("withOutcome")
            .GetInt32()));
        Assert.Equal(parts.Count(p => p.Defective) / (double)parts.Count,
            bucket.GetProperty("metrics").GetProperty("observedDefectRate").GetDouble(), 1e-9);
    }
}

public sealed class EarlyOutcomeTestsOnSqlite() : EarlyOutcomeTests(DatabaseProvider.Sqlite);

public sealed class EarlyOutcomeTestsOnPostgres() : EarlyOutcomeTests(DatabaseProvider.Postgres);
