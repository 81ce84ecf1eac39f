using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Monitoring;

/// <summary>A plant upgrading keeps its history: answers and outcomes logged by the version before the compact log
/// count in performance and drift once the new version has migrated the database, and take outcomes reported after.
/// Runs on both providers: <see cref="PreviousLogFormatTestsOnSqlite"/> and <see cref="PreviousLogFormatTestsOnPostgres"/>.</summary>
public abstract class PreviousLogFormatTests(DatabaseProvider provider) : IDisposable
{
    readonly ApiFactory _trainer = new();
    readonly ApiFactory _upgraded = new(provider: provider);

    public void Dispose()
    {
        _trainer.Dispose();
        _upgraded.Dispose();
    }

    async Task<Model> StoredModelAsync(string id)
    {
        await using var scope = _trainer.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DefectDbContext>().Models.AsNoTracking().SingleAsync(m =>
            m.Id == Guid.Parse(id));
    }

    [SkippableFact]
    public async Task AnswersAndOutcomesLoggedBeforeTheUpgradeCountInPerformanceAndDriftAndTakeLaterOutcomes()
    {
        var trainer = _trainer.CreateClient();
        var champion = (await trainer.TrainAsync(TestData.DefectsCsv(seed: 7), "Defect", new { epochs = 5, exclude = new[] { "Serial" } }))
            .GetProperty("modelId").GetString()!;
        var challenger = (await trainer.TrainAsync(TestData.DefectsCsv(seed: 8), "Defect", new
        {
            epochs = 5,
            exclude = new[] { "Serial" }
        })).GetProperty("modelId").GetString()!;
        var parts = LineParts.Spread(20);
        var answersOf = new Dictionary<string, JsonElement[]>();
        foreach (var id in new[] { champion, challenger })
        {
            var response = await trainer.PostAsync($"/api/models/{id}/predict", ApiClient.Json(LineParts.JsonRecords(parts)));
            answersOf[id] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().ToArray();
        }
        // Yesterday at noon (UTC): one day bucket holds every answer.
        var loggedAt = DateTime.UtcNow.Date.AddHours(-12);
        var predictionIds = parts.Select(_ => Guid.CreateVersion7(loggedAt)).ToArray();
        await using (var previous = await PreviousLogFormat.CreateAsync(provider, _upgraded.ConnectionString))
        {
            foreach (var id in new[] { champion, challenger }) await previous.AddModelAsync(await StoredModelAsync(id));
            await previous.AddDeploymentAsync("line3", Guid.Parse(champion), Guid.Parse(challenger), loggedAt.AddDays(-1));
            for (int i = 0; i < parts.Count; i++)
            {
                var record = JsonSerializer.Serialize(parts[i].Record);
                await previous.AddAnswerAsync(predictionIds[i], "line3", Guid.Parse(champion), shadow: false, loggedAt, record,
                    answersOf[champion][i]);
                await previous.AddAnswerAsync(predictionIds[i], "line3", Guid.Parse(challenger), shadow: true, loggedAt, record,
                    answersOf[challenger][i]);
                if (i < 15) await previous.AddOutcomeAsync(predictionIds[i], "line3", parts[i].Actual, loggedAt.AddMinutes(5));
            }
        }

        var client = _upgraded.CreateClient();   // starts the new version, which migrates the database
        var lateOutcome = await client.PostAsJsonAsync("/api/deployments/line3/outcomes",
            new { outcomes = new[] { new { predictionId = predictionIds[15], actual = parts[15].Actual } } });
        var range = $"from={loggedAt.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}&to={DateTime.UtcNow.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}";
        var buckets = (await client.GetFromJsonAsync<JsonElement>($"/api/deployments/line3/performance?bucket=day&{range}"))
            .GetProperty("buckets").EnumerateArray().ToArray();
        var drift = await client.GetFromJsonAsync<JsonElement>($"/api/deployments/line3/drift?{range}");

        Assert.Equal(1, (await lateOutcome.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matched").GetInt32());
        foreach (var id in new[] { champion, challenger })
        {
            var bucket = Assert.Single(buckets, b => b.GetProperty("modelId").GetString() == id);
            HandFigures.AssertBucket(bucket, 20, answersOf[id].Zip(parts, Judged.Of).Take(16).ToList());
        }
        Assert.Equal((20, 20), (drift.GetProperty("records").GetInt64(), drift.GetProperty("shadow").GetProperty("records").GetInt64()));
    }
}

public sealed class PreviousLogFormatTestsOnSqlite() : PreviousLogFormatTests(DatabaseProvider.Sqlite);

public sealed class PreviousLogFormatTestsOnPostgres() : PreviousLogFormatTests(DatabaseProvider.Postgres);
