using DefectApi.Security;
using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Security;

/// <summary>The built app started as an operator starts it (Production, no key configured, an empty database): the
/// admin key it prints is the only way in, only its hash is stored, and a restart keeps it and prints nothing.</summary>
public sealed class FirstStartTests() : ProcessDatabase("defectapi-first-start-")
{
    [Fact]
    public async Task TheKeyPrintedAtAFreshProductionStartIsTheOnlyWayInAndARestartKeepsIt()
    {
        string key;
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment, productDefaults: true))
        {
            key = await PrintedKeyAsync(service);
            await AssertOnlyTheKeyOpensAsync(service, key);
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(KeyHash.HexOf(key), await ScalarAsync("SELECT \"Hash\" FROM \"ApiKeys\" WHERE \"Name\" = 'admin'"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM \"ApiKeys\" WHERE instr(\"Hash\" || \"Scopes\", '{key}') > 0"));

        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment, productDefaults: true))
        {
            await AssertOnlyTheKeyOpensAsync(service, key);
            Assert.Contains("1 API key(s) in force", service.RecentOutput());
            Assert.DoesNotMatch(SecureDefaultTests.PrintedKey(), service.RecentOutput());
        }
    }

    /// <summary>The key from the service's log; the log is read as it is written, so it may trail the readiness probe.</summary>
    static async Task<string> PrintedKeyAsync(ServiceProcess service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (SecureDefaultTests.PrintedKey().Match(service.RecentOutput()) is { Success: false })
        {
            Assert.True(DateTime.UtcNow < deadline, $"no admin key in the service's log:\n{service.RecentOutput()}");
            await Task.Delay(50);
        }
        return SecureDefaultTests.PrintedKey().Match(service.RecentOutput()).Value;
    }

    static async Task AssertOnlyTheKeyOpensAsync(ServiceProcess service, string key)
    {
        var anonymous = service.Client;
        using var wrong = new HttpClient { BaseAddress = service.BaseAddress };
        wrong.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key[..^1] + (key[^1] == 'A' ? 'B' : 'A'));
        using var keyed = new HttpClient { BaseAddress = service.BaseAddress };
        keyed.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);

        foreach (var client in new[] { anonymous, wrong })
        {
            await (await client.GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.PutAsJsonAsync("/api/deployments/line3", new { modelId = Guid.NewGuid() })).AssertProblemAsync(
                HttpStatusCode.Unauthorized);
            await (await client.PostMultipartCsvAsync(TestData.DefectsCsv(rows: 20))).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.PostAsJsonAsync("/api/models/" + Guid.NewGuid() + "/predict", new { records = Array.Empty<object>() }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await keyed.PostMultipartCsvAsync(TestData.DefectsCsv(rows: 20, seed: Random.Shared.Next())))
            .StatusCode);
        var keys = await keyed.GetFromJsonAsync<JsonElement>("/api/keys");
        Assert.Equal("admin", Assert.Single(keys.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
    }

    async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
