namespace DefectApi.Tests.Security;

/// <summary>The limiter protects the service without throttling one healthy client or a load balancer: budgets are
/// per API key (keys pass through proxies), an open service has no per-address limit unless asked, and a cap on
/// requests in progress guards against overload whatever the partitioning.</summary>
public sealed class RateLimitTests
{
    const string LineKey = "line-3-key-123";
    const string LabKey = "lab-key-456";

    static async Task<List<HttpStatusCode>> Statuses(HttpClient client, int calls)
    {
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < calls; i++) statuses.Add((await client.GetAsync("/api/models")).StatusCode);
        return statuses;
    }

    [Fact]
    public async Task AnOpenServiceDoesNotLimitOneAddressByDefault()
    {
        // Everything a load balancer forwards comes from one address: a per-address budget would be the whole plant's.
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "1",
            ["RateLimiting:Burst"] = "1"
        });
        Assert.All(await Statuses(factory.CreateClient(), 5), s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task AnOpenServiceLimitsEachAddressWhenAsked()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "1", ["RateLimiting:Burst"] = "1", ["RateLimiting:PerAddressWhenOpen"] = "true",
        });
        var statuses = await Statuses(factory.CreateClient(), 3);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task EachKeyHasItsOwnBudgetFromTheSameAddress()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>(
        [
            .. ApiKeys.Configure(0, "line-3", LineKey, "predict"), .. ApiKeys.Configure(1, "lab", LabKey, "predict"),
            new("RateLimiting:PermitsPerSecond", "1"), new("RateLimiting:Burst", "2"),
        ]));
        var line = await Statuses(factory.CreateClient(LineKey), 4);
        var lab = await Statuses(factory.CreateClient(LabKey), 2);

        Assert.Contains(HttpStatusCode.TooManyRequests, line);
        Assert.All(lab, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task RequestsBeyondTheConcurrentCapAnswer429WhileHealthStillAnswers()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?> { ["RateLimiting:MaxConcurrentRequests"] = "1" });
        var client = factory.CreateClient();
        var dataset = await client.UploadAsync(TestData.DefectsCsv());
        var job = await client.StartJobAsync(new
        {
            datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 10_000, earlyStoppingPatience = 0,
        });
        string id = job.GetProperty("id").GetString()!;

        // A client following the job's progress holds the one permit for as long as it listens.
        using (var events = await client.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            var problem = await (await client.GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("MaxConcurrentRequests", problem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }

        // Once it stops listening, the permit is free again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        while ((status = (await client.PostAsync($"/api/training-jobs/{id}/cancel", null)).StatusCode) == HttpStatusCode.TooManyRequests
            && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(HttpStatusCode.Accepted, status);
    }
}
