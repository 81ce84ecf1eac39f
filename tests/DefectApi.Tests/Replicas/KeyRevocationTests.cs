using Npgsql;
using Xunit.Abstractions;

namespace DefectApi.Tests.Replicas;

/// <summary>Keys stored in the shared database: created through one replica, accepted by the others; revoked through
/// one, refused by every other within a second, without a restart.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class KeyRevocationTests(ITestOutputHelper output)
{
    const string AdminKey = "replica-admin-key-for-revocation-tests";
    static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    static HttpClient ClientOf(ServiceProcess replica, string key)
    {
        var client = new HttpClient { BaseAddress = replica.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>How long until the call answers <paramref name="status"/>, polled as fast as the replica answers.</summary>
    static async Task<TimeSpan> UntilAsync(HttpClient client, HttpStatusCode status, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while ((await client.GetAsync("/api/models")).StatusCode != status)
        {
            Assert.True(clock.Elapsed < timeout, $"still not {(int)status} after {timeout}");
            await Task.Delay(10);
        }
        return clock.Elapsed;
    }

    [PostgresFact]
    public async Task AKeyRevokedThroughReplicaAIsRefusedOnReplicaBWithinASecond()
    {
        var settings = new Dictionary<string, string>
        {
            ["Auth__ApiKeys__0__Name"] = "ops", ["Auth__ApiKeys__0__Hash"] = DefectApi.Security.KeyHash.HexOf(AdminKey),
            ["Auth__ApiKeys__0__Scopes__0"] = "admin",
        };
        await using var cluster = await ReplicaCluster.StartAsync(2, settings: settings);
        using var adminOnA = ClientOf(cluster[0], AdminKey);

        var created = await adminOnA.PostAsJsonAsync("/api/keys", new { name = "line3", scopes = new[] { "predict" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var lineOnA = ClientOf(cluster[0], key);
        using var lineOnB = ClientOf(cluster[1], key);
        Assert.Equal(HttpStatusCode.OK, (await lineOnA.GetAsync("/api/models")).StatusCode);
        var accepted = await UntilAsync(lineOnB, HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        output.WriteLine($"B accepted the new key after {accepted.TotalMilliseconds:0} ms");

        Assert.Equal(HttpStatusCode.NoContent, (await adminOnA.DeleteAsync("/api/keys/line3")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lineOnA.GetAsync("/api/models")).StatusCode);
        var refused = await UntilAsync(lineOnB, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));

        output.WriteLine($"B refused the revoked key after {refused.TotalMilliseconds:0} ms");
        Assert.True(refused < Within, $"B accepted the revoked key for {refused.TotalMilliseconds:0} ms");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await lineOnB.GetAsync("/api/models")).StatusCode);
        using var adminOnB = ClientOf(cluster[1], AdminKey);
        var audit = await adminOnB.GetFromJsonAsync<JsonElement>("/api/audit?target=keys/line3");
        Assert.Equal([("key.revoke", "ops"), ("key.create", "ops")], audit.GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("keyName").GetString())));
    }

    [PostgresFact]
    public async Task PostgreSqlRefusesToChangeOrDeleteAnAuditEntry()
    {
        await using var cluster = await ReplicaCluster.StartAsync(1);
        Assert.Equal(HttpStatusCode.Created, (await cluster[0].Client.PostAsJsonAsync("/api/keys", new
        {
            name = "ops",
            scopes = new[] { "admin" }
        })).StatusCode);

        foreach (var sql in new[] { "UPDATE \"AuditEntries\" SET \"KeyName\" = 'x'", "DELETE FROM \"AuditEntries\"",
            "TRUNCATE \"AuditEntries\"" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => cluster.ScalarAsync<long>(sql));
            Assert.Contains("append-only", error.MessageText);
        }
        Assert.Equal(1, await cluster.ScalarAsync<long>("SELECT count(*) FROM \"AuditEntries\""));
    }
}
