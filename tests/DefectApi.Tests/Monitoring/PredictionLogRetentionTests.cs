using DefectApi.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace DefectApi.Tests.Monitoring;

/// <summary>Retention removes what is older than its days and the oldest beyond its row cap, the joined outcomes of
/// what it removes, pending outcomes past their hours, rollups past theirs, and nothing else.</summary>
public sealed class PredictionLogRetentionTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["PredictionLog:RetentionDays"] = "30",
        ["PredictionLog:MaxRows"] = "1000",
        ["PredictionLog:PendingOutcomeHours"] = "72",
        ["PredictionLog:RollupRetentionDays"] = "400",
    });

    public void Dispose() => _factory.Dispose();

    static LoggedAnswer Row(DateTime at) => new()
    {
        PredictionId = PredictionIds.ToBytes(Guid.CreateVersion7(at)), SegmentId = 1,
        Line = "1,2", Score = 0.5
    };

    static LoggedOutcome Outcome(byte[]? predictionId, DateTime recordedAt, bool joined) => new()
    {
        DeploymentName = "line3", PredictionId = predictionId, KeyHash = predictionId is null ? 42 : null, Actual = "1", Joined = joined,
        RecordedAt = new DateTimeOffset(recordedAt).ToUnixTimeMilliseconds(),
    };

    [Fact]
    public async Task OnlyWhatIsPastItsRetentionIsRemovedInChunks()
    {
        _factory.CreateClient().Dispose();   // starts the service, which migrates the database
        var now = DateTime.UtcNow;
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        // More old rows than one delete takes: retention goes chunk by chunk until none is left.
        var old = Enumerable.Range(0, PredictionLogRetention.Chunk + 500).Select(i => Row(now.AddDays(-31).AddSeconds(-i))).ToList();
        var recent = Enumerable.Range(0, 1005).Select(i => Row(now.AddMinutes(-1005 + i))).ToList();
        db.LoggedAnswers.AddRange(old.Concat(recent));
        db.Outcomes.AddRange(
            Outcome(old[0].PredictionId, now.AddDays(-40), joined: true),
            Outcome(recent[^1].PredictionId, now, joined: true),
            Outcome(null, now.AddHours(-73), joined: false),
            Outcome(null, now.AddHours(-1), joined: false));
        db.Rollups.AddRange(
            new MonitoringRollup
            {
                DeploymentName = "line3", Hour = PredictionIds.HourOf(now.AddDays(-401)), ModelId = Guid.NewGuid(),
                Counts = [1]
            },
            new MonitoringRollup
            {
                DeploymentName = "line3", Hour = PredictionIds.HourOf(now.AddDays(-60)), ModelId = Guid.NewGuid(),
                Counts = [2]
            });
        await db.SaveChangesAsync();
        var retention = _factory.Services.GetServices<IHostedService>().OfType<PredictionLogRetention>().Single();
        var log = _factory.Services.GetRequiredService<PredictionLog>();

        long removed = await retention.RemoveOldAsync(db, CancellationToken.None);

        Assert.Equal(old.Count + 5, removed);
        var kept = (await db.LoggedAnswers.AsNoTracking().Select(p => p.PredictionId).ToListAsync())
            .Select(id => PredictionIds.FromBytes(id));
        Assert.Equal(recent.Skip(5).Select(r => PredictionIds.FromBytes(r.PredictionId)).Order(), kept.Order());
        var outcomes = await db.Outcomes.AsNoTracking().ToListAsync();
        Assert.Equal(2, outcomes.Count);   // the recent joined one and the recent pending one
        Assert.Contains(outcomes, o => o.Joined && o.PredictionId!.SequenceEqual(recent[^1].PredictionId));
        Assert.Contains(outcomes, o => !o.Joined && o.RecordedAt > new DateTimeOffset(now.AddHours(-2)).ToUnixTimeMilliseconds());
        Assert.Equal(1, log.ExpiredOutcomes);
        // Rollups outlive the raw log: a 60-day-old hour stays after its rows are gone.
        Assert.Equal([2], (await db.Rollups.AsNoTracking().ToListAsync()).Select(r => r.Counts[0]));
    }
}
