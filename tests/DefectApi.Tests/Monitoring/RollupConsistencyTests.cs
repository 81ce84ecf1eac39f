namespace DefectApi.Tests.Monitoring;

/// <summary>Performance is read from hourly rollups kept up to date as answers are written and outcomes join. Whatever
/// happens to the deployment in between, the figures must equal those computed by hand from what was answered and
/// reported. Runs on both providers: <see cref="RollupConsistencyTestsOnSqlite"/> and
/// <see cref="RollupConsistencyTestsOnPostgres"/>.</summary>
public abstract class RollupConsistencyTests(DatabaseProvider provider) : DeploymentMonitoringSuite(provider)
{
    async Task SetThresholdAsync(string modelId, double threshold) =>
        (await Client.PutAsJsonAsync($"/api/models/{modelId}/threshold", new { threshold })).EnsureSuccessStatusCode();

    static IEnumerable<(JsonElement, string)> Reports(IEnumerable<JsonElement> answers, IEnumerable<Part> parts) =>
        answers.Zip(parts, (a, p) => (a, p.Actual));

    [SkippableFact]
    public async Task EachAnswerIsJudgedAtTheThresholdInForceWhenItWasGivenEvenAfterTheThresholdMovesAgain()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId });
        var parts = LineParts.Spread(24);
        var probabilities = (await PredictByModelAsync(modelId, parts)).Select(a => a.GetProperty("probability").GetDouble()).Order()
            .ToArray();
        // Midway between neighbouring probabilities a quarter and three quarters up: half the parts change sides.
        double Between(int i) => (probabilities[i - 1] + probabilities[i]) / 2;

        await SetThresholdAsync(modelId, Between(18));
        var strict = await PredictThroughAsync("line3", parts);
        await SetThresholdAsync(modelId, Between(6));
        var lenient = await PredictThroughAsync("line3", parts);
        await FlushAsync();
        await PostOutcomesByIdAsync("line3", Reports(strict.Concat(lenient), parts.Concat(parts)));
        var judgedAsGiven = strict.Zip(parts, Judged.Of).Concat(lenient.Zip(parts, Judged.Of)).ToList();
        var figures = BucketOf(await BucketsAsync("line3"), modelId);
        await SetThresholdAsync(modelId, 0.5);
        var figuresAfterAnotherMove = BucketOf(await BucketsAsync("line3"), modelId);

        Assert.Contains(strict.Zip(lenient), a => a.First.GetProperty("defect").GetBoolean() != a.Second.GetProperty(
            "defect").GetBoolean());
        HandFigures.AssertBucket(figures, 48, judgedAsGiven);
        HandFigures.AssertBucket(figuresAfterAnotherMove, 48, judgedAsGiven);
    }

    [SkippableFact]
    public async Task AShadowCountsOnlyTheAnswersGivenWhileItWasDeployedAndTakesTheirOutcomesAfterItIsRemoved()
    {
        var champion = await TrainDefectModelAsync(seed: 7);
        var challenger = await TrainDefectModelAsync(seed: 8);
        List<Part> alone = LineParts.Spread(8, seed: 1), shadowed = LineParts.Spread(12, seed: 2),
            aloneAgain = LineParts.Spread(8, seed: 3);

        await DeployAsync("line3", new { modelId = champion });
        var aloneAnswers = await PredictThroughAsync("line3", alone);
        await FlushAsync();
        await DeployAsync("line3", new { modelId = champion, shadowModelId = challenger });
        var shadowedAnswers = await PredictThroughAsync("line3", shadowed);
        await FlushAsync();
        await DeployAsync("line3", new { modelId = champion, shadowModelId = (string?)null });
        var aloneAgainAnswers = await PredictThroughAsync("line3", aloneAgain);
        await FlushAsync();
        await PostOutcomesByIdAsync("line3", Reports([.. aloneAnswers, .. shadowedAnswers, .. aloneAgainAnswers],
            [.. alone, .. shadowed, .. aloneAgain]));

        var buckets = await BucketsAsync("line3");
        var championJudged = aloneAnswers.Zip(alone, Judged.Of).Concat(shadowedAnswers.Zip(shadowed, Judged.Of))
            .Concat(aloneAgainAnswers.Zip(aloneAgain, Judged.Of)).ToList();
        HandFigures.AssertBucket(BucketOf(buckets, champion), 28, championJudged);
        // The shadow's answers are never returned; by id the same model gives the same ones.
        var challengerAnswers = await PredictByModelAsync(challenger, shadowed);
        var shadowBucket = BucketOf(buckets, challenger);
        Assert.True(shadowBucket.GetProperty("shadow").GetBoolean());
        HandFigures.AssertBucket(shadowBucket, 12, challengerAnswers.Zip(shadowed, Judged.Of).ToList());
    }

    [SkippableFact]
    public async Task AfterADeploymentMovesToAnotherModelEachModelIsJudgedOnItsOwnAnswers()
    {
        var first = await TrainDefectModelAsync(seed: 7);
        var second = await TrainDefectModelAsync(seed: 9);
        List<Part> before = LineParts.Spread(10, seed: 4), after = LineParts.Spread(14, seed: 5);

        await DeployAsync("line3", new { modelId = first });
        var beforeAnswers = await PredictThroughAsync("line3", before);
        await FlushAsync();
        await DeployAsync("line3", new { modelId = second });
        var afterAnswers = await PredictThroughAsync("line3", after);
        await FlushAsync();
        // Every outcome comes after the move, the first model's included.
        await PostOutcomesByIdAsync("line3", Reports([.. beforeAnswers, .. afterAnswers], [.. before, .. after]));

        var buckets = await BucketsAsync("line3");
        Assert.Equal(2, buckets.Length);
        HandFigures.AssertBucket(BucketOf(buckets, first), 10, beforeAnswers.Zip(before, Judged.Of).ToList());
        HandFigures.AssertBucket(BucketOf(buckets, second), 14, afterAnswers.Zip(after, Judged.Of).ToList());
    }

    [SkippableFact]
    public async Task ALaterOutcomeReplacesTheEarlierOneForChampionAndShadowWhetherTheEarlierHadJoinedOrWasPending()
    {
        var champion = await TrainDefectModelAsync(seed: 7);
        var challenger = await TrainDefectModelAsync(seed: 8);
        await DeployAsync("line3", new { modelId = champion, shadowModelId = challenger, keyColumns = new[] { "Serial" } });
        List<Part> logged = LineParts.Spread(10, seed: 6), early = LineParts.Spread(6, seed: 7);
        var mistaken = (IEnumerable<Part> parts) => parts.Select(p => p with { Defective = !p.Defective }).ToList();

        var loggedAnswers = await PredictThroughAsync("line3", logged);
        await FlushAsync();
        var firstReports = await PostOutcomesByIdAsync("line3", Reports(loggedAnswers, mistaken(logged)));
        var corrections = await PostOutcomesByIdAsync("line3", Reports(loggedAnswers, logged));
        await PostOutcomesBySerialAsync("line3", mistaken(early));
        await PostOutcomesBySerialAsync("line3", early);
        var earlyAnswers = await PredictThroughAsync("line3", early);
        await FlushAsync();

        Assert.Equal((10, 10), (Matched(firstReports), Matched(corrections)));
        var buckets = await BucketsAsync("line3");
        HandFigures.AssertBucket(BucketOf(buckets, champion), 16,
            [.. loggedAnswers.Zip(logged, Judged.Of), .. earlyAnswers.Zip(early, Judged.Of)]);
        var challengerAnswers = await PredictByModelAsync(challenger, [.. logged, .. early]);
        HandFigures.AssertBucket(BucketOf(buckets, challenger), 16, challengerAnswers.Zip([.. logged, .. early], Judged.Of).ToList());
    }
}

public sealed class RollupConsistencyTestsOnSqlite() : RollupConsistencyTests(DatabaseProvider.Sqlite);

public sealed class RollupConsistencyTestsOnPostgres() : RollupConsistencyTests(DatabaseProvider.Postgres);
