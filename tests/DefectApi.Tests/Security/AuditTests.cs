using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Security;

/// <summary>Every change made through the API is in the audit trail with the name of the key that made it: two keys
/// make every kind of change, and GET /api/audit (and a deployment's page) must show each one under the right name.</summary>
public sealed class AuditTests : IDisposable
{
    const string OpsKey = "ops-admin-key-for-audit-tests";
    const string QualityKey = "quality-train-key-for-audit-tests";
    readonly ApiFactory _factory = new(ApiKeys.Configure(0, "ops", OpsKey, "admin")
        .Concat(ApiKeys.Configure(1, "quality", QualityKey, "train")).ToDictionary());

    public void Dispose() => _factory.Dispose();

    HttpClient Ops => _factory.CreateClient(OpsKey);
    HttpClient Quality => _factory.CreateClient(QualityKey);

    static async Task<JsonElement> Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: " +
            $"{(int)response.StatusCode} {body}");
        return body.Length > 0 ? JsonDocument.Parse(body).RootElement : default;
    }

    [Fact]
    public async Task EveryAuditedActionShowsUpWithTheNameOfItsKey()
    {
        var dataset = (await Quality.UploadAsync(TestData.DefectsCsv(rows: 300), "audit")).GetProperty("id").GetString();
        var job = await Quality.StartJobAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 5, ensembleSize = 1,
            hiddenLayers = new[] { 8 }
        });
        var first = (await Quality.WaitForJobAsync(job.GetProperty("id").GetString()!)).GetProperty("modelId").GetString();
        await Expect(HttpStatusCode.OK, Quality.PutAsync($"/api/models/{first}/threshold", ApiClient.Json("""{"threshold":0.4}""")));
        var bundle = new ByteArrayContent(await Quality.GetByteArrayAsync($"/api/models/{first}/bundle"));
        bundle.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var second = (await Expect(HttpStatusCode.Created, Quality.PostAsync("/api/models/import", bundle))).GetProperty("id").GetString();

        await Expect(HttpStatusCode.OK, Ops.PutAsJsonAsync("/api/deployments/line3", new { modelId = first }));
        await Expect(HttpStatusCode.OK, Ops.PutAsJsonAsync("/api/deployments/line3", new { modelId = first, shadowModelId = second }));
        await Expect(HttpStatusCode.OK, Ops.PutAsJsonAsync("/api/deployments/line3", new
        {
            modelId = first, shadowModelId = second,
            keyColumns = new[] { "Shift" }
        }));
        await Expect(HttpStatusCode.OK, Ops.PutAsJsonAsync("/api/deployments/line3", new { modelId = second, shadowModelId = first }));
        await LogDatasetAsync();

        var running = (await Quality.StartJobAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 10000, earlyStoppingPatience = 0,
            ensembleSize = 1,
            hiddenLayers = new[] { 256, 256 }, batchSize = 1
        })).GetProperty("id").GetString();
        var queued = (await Quality.StartJobAsync(new { datasetId = dataset, target = "Defect" })).GetProperty("id").GetString();
        await Expect(HttpStatusCode.Accepted, Quality.PostAsync($"/api/training-jobs/{queued}/cancel?keepBest=true", null));
        await Expect(HttpStatusCode.Accepted, Quality.PostAsync($"/api/training-jobs/{running}/cancel", null));
        await Quality.WaitForJobAsync(running!);

        var page = await Quality.GetFromJsonAsync<JsonElement>("/api/deployments/line3");
        var changes = page.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("action").GetString(),
            c.GetProperty("keyName").GetString())).ToList();
        Assert.Equal([("deployment.shadow", "ops"), ("deployment.move", "ops"), ("deployment.key-columns", "ops"),
            ("deployment.shadow", "ops"),
            ("deployment.create", "ops")], changes);

        await Expect(HttpStatusCode.NoContent, Ops.DeleteAsync("/api/deployments/line3"));
        await Expect(HttpStatusCode.NoContent, Ops.DeleteAsync($"/api/models/{first}"));
        await Expect(HttpStatusCode.NoContent, Ops.DeleteAsync($"/api/datasets/{dataset}"));
        await Expect(HttpStatusCode.Created, Ops.PostAsJsonAsync("/api/keys", new { name = "line4", scopes = new[] { "predict" } }));
        await Expect(HttpStatusCode.NoContent, Ops.DeleteAsync("/api/keys/line4"));

        var audit = (await Ops.GetFromJsonAsync<JsonElement>("/api/audit")).GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Key: e.GetProperty("keyName").GetString(), Target: e.GetProperty(
                "target").GetString()))
            .ToList();
        (string, string, string)[] expected =
        [
            ("dataset.upload", "quality", $"datasets/{dataset}"), ("job.create", "quality",
                $"training-jobs/{job.GetProperty("id").GetString()}"),
            ("model.threshold", "quality", $"models/{first}"), ("model.import", "quality", $"models/{second}"),
            ("deployment.create", "ops", "deployments/line3"), ("deployment.shadow", "ops", "deployments/line3"),
            ("deployment.key-columns", "ops", "deployments/line3"), ("deployment.move", "ops", "deployments/line3"),
            ("dataset.from-log", "quality", audit.Single(a => a.Action == "dataset.from-log").Target!),
            ("job.create", "quality", $"training-jobs/{running}"), ("job.stop", "quality", $"training-jobs/{queued}"),
            ("job.cancel", "quality", $"training-jobs/{running}"), ("deployment.delete", "ops", "deployments/line3"),
            ("model.delete", "ops", $"models/{first}"), ("dataset.delete", "ops", $"datasets/{dataset}"),
            ("key.create", "ops", "keys/line4"), ("key.revoke", "ops", "keys/line4"),
        ];
        foreach (var entry in expected) Assert.Contains(entry, audit.Select(a => (a.Action!, a.Key!, a.Target!)));
        Assert.Equal("key.revoke", audit[0].Action);
        Assert.Equal("dataset.upload", audit[^1].Action);
    }

    /// <summary>A prediction through the deployment, logged within a second, made into a dataset.</summary>
    async Task LogDatasetAsync()
    {
        var record = new
        {
            records = new[] { new Dictionary<string, object?> { ["Shift"] = "early", ["Temperature [C]"] = 91.5,
            ["Speed [rpm]"] = 1720 } }
        };
        await Expect(HttpStatusCode.OK, Ops.PostAsJsonAsync("/api/deployments/line3/predict", record));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await Quality.PostAsJsonAsync("/api/deployments/line3/dataset", new { withOutcomesOnly = false }))
            .StatusCode != HttpStatusCode.Created)
        {
            Assert.True(DateTime.UtcNow < deadline, "the prediction was not logged within 15 s");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task TheAuditIsPagedNewestFirstAndFilteredByTimeAndTarget()
    {
        for (var i = 0; i < 5; i++)
            await Expect(HttpStatusCode.Created, Ops.PostAsJsonAsync("/api/keys", new { name = $"line{i}", scopes = new[] { "predict" } }));

        var first = await Ops.GetFromJsonAsync<JsonElement>("/api/audit?limit=2");
        Assert.Equal(5, first.GetProperty("total").GetInt64());
        Assert.Equal(["keys/line4", "keys/line3"], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(
            "target").GetString()));
        var next = await Ops.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());
        Assert.Equal(["keys/line2", "keys/line1"], next.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(
            "target").GetString()));
        var one = await Ops.GetFromJsonAsync<JsonElement>("/api/audit?target=keys/line0");
        Assert.Equal("Created the key 'line0' with scope(s) predict.", Assert.Single(one.GetProperty("items").EnumerateArray())
            .GetProperty("detail").GetString());
        var later = DateTime.UtcNow.AddMinutes(1).ToString("O");
        Assert.Equal(0, (await Ops.GetFromJsonAsync<JsonElement>($"/api/audit?from={Uri.EscapeDataString(later)}"))
            .GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from", "from must be before to.")]
    [InlineData("limit=0", "limit", "limit must be between 1 and 1000.")]
    [InlineData("offset=-1", "offset", "offset must be 0 or more.")]
    public async Task ABadAuditQueryIs400NamingTheParameter(string query, string field, string message)
    {
        var problem = await (await Ops.GetAsync($"/api/audit?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeOrDeleteAnAuditEntry()
    {
        await Expect(HttpStatusCode.Created, Ops.PostAsJsonAsync("/api/keys", new { name = "line9", scopes = new[] { "predict" } }));
        await using var connection = new SqliteConnection($"Data Source={_factory.DatabasePath};Pooling=False");
        await connection.OpenAsync();

        foreach (var sql in new[] { "UPDATE \"AuditEntries\" SET \"KeyName\" = 'someone-else'", "DELETE FROM \"AuditEntries\"" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", error.Message);
        }
        Assert.Equal("ops", Assert.Single((await Ops.GetFromJsonAsync<JsonElement>("/api/audit")).GetProperty("items").EnumerateArray())
            .GetProperty("keyName").GetString());
    }

    [Fact]
    public async Task AChangeToAServiceWithoutKeysIsRecordedAsOpen()
    {
        using var open = new ApiFactory();
        await open.CreateClient().UploadAsync(TestData.DefectsCsv(rows: 20));

        var entry = Assert.Single((await open.CreateClient().GetFromJsonAsync<JsonElement>("/api/audit"))
            .GetProperty("items").EnumerateArray());

        Assert.Equal("open", entry.GetProperty("keyName").GetString());
        Assert.Equal("dataset.upload", entry.GetProperty("action").GetString());
    }
}
