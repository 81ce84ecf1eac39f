using DefectApi.Monitoring;
using Microsoft.Extensions.Hosting;

namespace DefectApi.Tests.Monitoring;

/// <summary>An outcome whose prediction never comes (a typo in a serial, a part scored by another line) must not be kept
/// for ever: retention removes pending outcomes older than PredictionLog:PendingOutcomeHours, and only those, and counts them.
/// Runs on both providers: <see cref="PendingOutcomeRetentionTestsOnSqlite"/> and
/// <see cref="PendingOutcomeRetentionTestsOnPostgres"/>.</summary>
public abstract class PendingOutcomeRetentionTests(DatabaseProvider provider) : DeploymentMonitoringSuite(provider,
    new Dictionary<string, string?>
    {
        ["PredictionLog:PendingOutcomeHours"] = "24",
    })
{
    async Task RunRetentionAsync()
    {
        var retention = Factory.Services.GetServices<IHostedService>().OfType<PredictionLogRetention>().Single();
        await using var scope = Factory.Services.CreateAsyncScope();
        await retention.RemoveOldAsync(scope.ServiceProvider.GetRequiredService<DefectDbContext>(), CancellationToken.None);
    }

    [SkippableFact]
    public async Task PendingOutcomesOlderThanTheLimitAreRemovedAndYoungerOnesStillJoinTheirPredictions()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId, keyColumns = new[] { "Serial" } });
        List<Part> overdue = LineParts.Spread(3, seed: 1), recent = LineParts.Spread(4, seed: 2);

        await PostOutcomesBySerialAsync("line3", overdue);
        Clock.Advance(TimeSpan.FromHours(22));
        await PostOutcomesBySerialAsync("line3", recent);
        Clock.Advance(TimeSpan.FromHours(3));   // the first are 25 hours old, the others 3
        await RunRetentionAsync();
        var answers = await PredictThroughAsync("line3", [.. overdue, .. recent]);
        await FlushAsync();

        // What defectapi.outcomes.expired reports.
        Assert.Equal(overdue.Count, Factory.Services.GetRequiredService<PredictionLog>().ExpiredOutcomes);
        var bucket = BucketOf(await BucketsAsync("line3"), modelId);
        HandFigures.AssertBucket(bucket, 7, answers.Skip(overdue.Count).Zip(recent, Judged.Of).ToList());
        var log = await LogAsync("line3");
        var actualOf = log.Rows.ToDictionary(r => r[log.Column("Serial")], r => r[log.Column("actual")]);
        Assert.All(overdue, p => Assert.Equal("", actualOf[p.Serial]));
        Assert.All(recent, p => Assert.Equal(p.Actual, actualOf[p.Serial]));
    }
}

public sealed class PendingOutcomeRetentionTestsOnSqlite() : PendingOutcomeRetentionTests(DatabaseProvider.Sqlite);

public sealed class PendingOutcomeRetentionTestsOnPostgres() : PendingOutcomeRetentionTests(DatabaseProvider.Postgres);
