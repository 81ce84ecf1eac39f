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

    static LoggedPrediction Row(DateTime at) => new()
    {
        PredictionId = Guid.NewGuid(), DeploymentName = "line3", ModelId = Guid.NewGuid(), CreatedAt = at, Input = "{}", Output = "{}",
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
        db.PredictionLog.AddRange(old.Concat(recent));
        db.Outcomes.AddRange(
            new PredictionOutcome { PredictionId = old[0].PredictionId, DeploymentName = "line3", Actual = "1", RecordedAt = now.AddDays(-40) },
            new PredictionOutcome { PredictionId = recent[^1].PredictionId, DeploymentName = "line3", Actual = "0", RecordedAt = now });
        await db.SaveChangesAsync();
        var retention = _factory.Services.GetServices<IHostedService>().OfType<PredictionLogRetention>().Single();

        int removed = await retention.RemoveOldAsync(db, CancellationToken.None);

        Assert.Equal(15, removed);
        var kept = await db.PredictionLog.AsNoTracking().Select(p => p.PredictionId).ToListAsync();
        Assert.Equal(recent.Skip(5).Select(r => r.PredictionId).Order(), kept.Order());
        Assert.Equal([recent[^1].PredictionId], await db.Outcomes.AsNoTracking().Select(o => o.PredictionId).ToListAsync());
    }
}
