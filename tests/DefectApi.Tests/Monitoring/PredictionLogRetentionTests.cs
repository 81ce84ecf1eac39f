using DefectApi.Data;
using DefectApi.Monitoring;
using DefectApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DefectApi.Tests.Monitoring;

/// <summary>Retention removes what is older than its days and the oldest beyond its row cap, and nothing else.</summary>
public sealed class PredictionLogRetentionTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["PredictionLog:RetentionDays"] = "30",
        ["PredictionLog:MaxRows"] = "1000",
    });

    public void Dispose() => _factory.Dispose();

    static LoggedAnswer Row(DateTime at) => new() { PredictionId = PredictionIds.ToBytes(Guid.CreateVersion7(at)), SegmentId = 1, Line = "x" };

    static LoggedOutcome JoinedOutcome(LoggedAnswer answer, string actual, DateTime at) => new()
    {
        DeploymentName = "line3", PredictionId = answer.PredictionId, Actual = actual, Joined = true,
        RecordedAt = new DateTimeOffset(at).ToUnixTimeMilliseconds(),
    };

    [Fact]
    public async Task OnlyRowsPastTheRetentionAndTheOldestBeyondTheCapAreRemoved()
    {
        _factory.CreateClient().Dispose();   // starts the service, which migrates the database
        var now = DateTime.UtcNow;
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var old = Enumerable.Range(0, 10).Select(i => Row(now.AddDays(-31 - i))).ToList();
        var recent = Enumerable.Range(0, 1005).Select(i => Row(now.AddMinutes(-1005 + i))).ToList();
        db.LoggedAnswers.AddRange(old.Concat(recent));
        db.Outcomes.AddRange(JoinedOutcome(old[0], "1", now.AddDays(-40)), JoinedOutcome(recent[^1], "0", now));
        await db.SaveChangesAsync();
        var retention = _factory.Services.GetServices<IHostedService>().OfType<PredictionLogRetention>().Single();

        long removed = await retention.RemoveOldAsync(db, CancellationToken.None);

        Assert.Equal(15, removed);
        var kept = await db.LoggedAnswers.AsNoTracking().Select(p => p.PredictionId).ToListAsync();
        Assert.Equal(recent.Skip(5).Select(r => PredictionIds.FromBytes(r.PredictionId)).Order(), kept.Select(k => PredictionIds.FromBytes(k)).Order());
        var outcomes = await db.Outcomes.AsNoTracking().Select(o => o.PredictionId).ToListAsync();
        Assert.Equal([PredictionIds.FromBytes(recent[^1].PredictionId)], outcomes.Select(o => PredictionIds.FromBytes(o!)));
    }
}
