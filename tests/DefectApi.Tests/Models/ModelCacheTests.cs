using System.Diagnostics.Metrics;
using DefectApi.Registry;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Models;

public sealed class ModelCacheTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["ModelCache:MaxModels"] = "2" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TheCacheHoldsAtMostItsLimitAndDropsTheLeastRecentlyUsedModel()
    {
        var client = _factory.CreateClient();
        var trained = Guid.Parse((await client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 }))
            .GetProperty("modelId").GetString()!);
        var a = await ModelRows.CopyAsync(_factory.Services, trained, 1);
        var b = await ModelRows.CopyAsync(_factory.Services, trained, 2);
        var c = await ModelRows.CopyAsync(_factory.Services, trained, 3);
        var cache = _factory.Services.GetRequiredService<ModelCache>();
        foreach (var id in cache.CachedRevisions().Keys) cache.Invalidate(id);

        foreach (var id in new[] { a, b, a, c })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/models/{id}")).StatusCode);

        Assert.Equal(new HashSet<Guid> { a, c }, cache.CachedRevisions().Keys.ToHashSet());
        // The dropped model is read again when it is next asked for.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/models/{b}")).StatusCode);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task ListingEveryModelDoesNotPushOutTheModelsInUse()
    {
        var client = _factory.CreateClient();
        var trained = Guid.Parse((await client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 }))
            .GetProperty("modelId").GetString()!);
        for (var i = 0; i < 4; i++) await ModelRows.CopyAsync(_factory.Services, trained, 10 + i);
        var cache = _factory.Services.GetRequiredService<ModelCache>();
        foreach (var id in cache.CachedRevisions().Keys) cache.Invalidate(id);
        await client.GetAsync($"/api/models/{trained}");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);

        Assert.Equal([trained], cache.CachedRevisions().Keys);
    }

    [Fact]
    public async Task RequestsThatMissTheSameModelTogetherShareOneRead()
    {
        var client = _factory.CreateClient();
        var trained = Guid.Parse((await client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 }))
            .GetProperty("modelId").GetString()!);
        var cache = _factory.Services.GetRequiredService<ModelCache>();
        cache.Invalidate(trained);
        var reads = 0;
        using var listener = new MeterListener();
        var meters = _factory.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "defectapi.model.load.duration" && instrument.Meter.Scope == meters)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref reads));
        listener.Start();

        // Released together, as the requests that arrive just after a move are.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 16).Select(async _ =>
        {
            await start.Task; return await cache.GetAsync(trained,
            CancellationToken.None);
        }).ToList();
        start.SetResult();
        var entries = await Task.WhenAll(requests);

        Assert.All(entries, e => Assert.Same(entries[0], e));
        Assert.Equal(1, reads);
        // Once read, the model is served from memory.
        await cache.GetAsync(trained, CancellationToken.None);
        Assert.Equal(1, reads);
    }
}
