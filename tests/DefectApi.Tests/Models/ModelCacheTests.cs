using System.Net;
using DefectApi.Data;
using DefectApi.Models;
using DefectApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DefectApi.Tests.Models;

public sealed class ModelCacheTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["ModelCache:MaxModels"] = "2" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TheCacheHoldsAtMostItsLimitAndDropsTheLeastRecentlyUsedModel()
    {
        var client = _factory.CreateClient();
        var trained = Guid.Parse((await client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 })).GetProperty("modelId").GetString()!);
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
        var trained = Guid.Parse((await client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 2 })).GetProperty("modelId").GetString()!);
        for (var i = 0; i < 4; i++) await ModelRows.CopyAsync(_factory.Services, trained, 10 + i);
        var cache = _factory.Services.GetRequiredService<ModelCache>();
        foreach (var id in cache.CachedRevisions().Keys) cache.Invalidate(id);
        await client.GetAsync($"/api/models/{trained}");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);

        Assert.Equal([trained], cache.CachedRevisions().Keys);
    }
}
