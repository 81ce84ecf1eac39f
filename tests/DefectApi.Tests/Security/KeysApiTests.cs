using DefectApi.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Security;

/// <summary>Keys created, listed and revoked through the API, beside configured ones; and every bad request answered
/// with a problem that says what to change.</summary>
public sealed class KeysApiTests : IDisposable
{
    const string AdminKey = "configured-admin-key-for-keys-tests";
    const string PredictKey = "configured-predict-key-for-keys-tests";
    readonly ApiFactory _factory = new(ApiKeys.Configure(0, "ops", AdminKey, "admin")
        .Concat(ApiKeys.Configure(1, "mes-line3", PredictKey, "predict")).ToDictionary());

    public void Dispose() => _factory.Dispose();

    HttpClient Admin => _factory.CreateClient(AdminKey);

    async Task<JsonElement> CreateAsync(string name, params string[] scopes)
    {
        var response = await Admin.PostAsJsonAsync("/api/keys", new { name, scopes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task ACreatedKeyIsShownOnceWorksAtOnceWithItsScopesAndIsListedWithoutItsSecret()
    {
        var created = await CreateAsync("quality-lab", "train");
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal("quality-lab", created.GetProperty("name").GetString());
        Assert.Equal(["train"], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.StartsWith(KeyStore.Prefix, key);

        var lab = _factory.CreateClient(key);
        Assert.Equal(HttpStatusCode.Created, (await lab.PostMultipartCsvAsync(TestData.DefectsCsv(rows: 20))).StatusCode);
        await (await lab.GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var listed = await Admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(key, listed);
        Assert.DoesNotContain(KeyHash.HexOf(key), listed);
        var items = JsonDocument.Parse(listed).RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty(
            "name").GetString()!);
        Assert.Equal(["mes-line3", "ops", "quality-lab"], items.Keys.Order());
        Assert.Equal("database", items["quality-lab"].GetProperty("source").GetString());
        Assert.Equal("configuration", items["ops"].GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, items["ops"].GetProperty("createdAt").ValueKind);
        Assert.Equal(JsonValueKind.String, items["quality-lab"].GetProperty("createdAt").ValueKind);
        Assert.Equal(JsonValueKind.String, items["quality-lab"].GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, items["mes-line3"].GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnce()
    {
        var key = (await CreateAsync("line4", "predict")).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _factory.CreateClient(key).GetAsync("/api/models")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync("/api/keys/line4")).StatusCode);

        await (await _factory.CreateClient(key).GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var names = (await Admin.GetFromJsonAsync<JsonElement>("/api/keys")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("name").GetString());
        Assert.DoesNotContain("line4", names);
    }

    [Fact]
    public async Task WhenAKeyWasLastUsedIsWrittenToTheDatabaseInTheBackground()
    {
        await Admin.GetAsync("/api/models");
        await _factory.CreateClient(PredictKey).GetAsync("/api/models");

        var deadline = DateTime.UtcNow + KeyUsageWriter.Interval * 3;
        long written;
        do
        {
            await Task.Delay(200);
            await using var connection = new SqliteConnection($"Data Source={_factory.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM \"ApiKeyUses\" WHERE \"Name\" IN ('ops', 'mes-line3')";
            written = (long)(await command.ExecuteScalarAsync())!;
        }
        while (written < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(2, written);
    }

    [Theory]
    [InlineData("""{"scopes":["predict"]}""", "name", "A name is required")]
    [InlineData("""{"name":"  ","scopes":["predict"]}""", "name", "A name is required")]
    [InlineData("""{"name":"line 3/west","scopes":["predict"]}""", "name", "letters, digits")]
    [InlineData("""{"name":"-line3","scopes":["predict"]}""", "name", "starting with a letter or digit")]
    [InlineData("""{"name":"system","scopes":["predict"]}""", "name", "the audit trail uses itself")]
    [InlineData("""{"name":"line3"}""", "scopes", "at least one scope")]
    [InlineData("""{"name":"line3","scopes":[]}""", "scopes", "at least one scope")]
    [InlineData("""{"name":"line3","scopes":["predict","superuser"]}""", "scopes", "'superuser' is not a scope; scopes are predict, " +
        "train, admin, metrics")]
    public async Task AnInvalidKeyRequestIs400NamingTheFieldAndWhatToChange(string body, string field, string message)
    {
        var response = await Admin.PostAsync("/api/keys", ApiClient.Json(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid key", problem.GetProperty("title").GetString());
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Single((await Admin.GetFromJsonAsync<JsonElement>("/api/keys")).GetProperty("items").EnumerateArray(), i => i.GetProperty(
            "name").GetString() == "ops");
    }

    [Fact]
    public async Task OnAServiceWithoutKeysTheFirstKeyMustBeAnAdminKey()
    {
        using var open = new ApiFactory();

        var response = await open.CreateClient().PostAsJsonAsync("/api/keys", new { name = "mes-line3", scopes = new[] { "predict" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("the first key needs it (add \"admin\")", problem.GetProperty("errors").GetProperty("scopes")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await open.CreateClient().GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task ANameTakenByAStoredKeyIs409()
    {
        await CreateAsync("line3", "predict");

        var problem = await (await Admin.PostAsJsonAsync("/api/keys", new { name = "line3", scopes = new[] { "train" } }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Choose another name, or revoke that key first (DELETE /api/keys/line3)", problem.GetProperty(
            "detail").GetString());
    }

    [Fact]
    public async Task ANameTakenByAConfiguredKeyIs409()
    {
        var problem = await (await Admin.PostAsJsonAsync("/api/keys", new { name = "mes-line3", scopes = new[] { "predict" } }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("is configured (Auth:ApiKeys). Choose another name.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AConfiguredKeyIsNotRevokedThroughTheApi()
    {
        var problem = await (await Admin.DeleteAsync("/api/keys/mes-line3")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Remove it from every replica's configuration", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _factory.CreateClient(PredictKey).GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task RevokingAnUnknownKeyIs404()
    {
        var problem = await (await Admin.DeleteAsync("/api/keys/nobody")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("GET /api/keys", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TheLastAdminKeyCannotBeRevoked()
    {
        // The admin key of a first start is the only admin key, and stored in the database.
        using var factory = new ApiFactory(new Dictionary<string, string?> { ["Auth:RequireKeys"] = null });
        var logs = new CapturingLoggerProvider();
        var service = logs.AddTo(factory);
        service.CreateClient();
        var admin = service.CreateClient(logs.Logs.Select(l => SecureDefaultTests.PrintedKey().Match(l.Message))
            .Single(m => m.Success).Value);

        var problem = await (await admin.DeleteAsync("/api/keys/admin")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Create another admin key first", problem.GetProperty("detail").GetString());
        var second = await admin.PostAsJsonAsync("/api/keys", new { name = "admin2", scopes = new[] { "admin" } });
        var secondKey = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/keys/admin")).StatusCode);
        await (await admin.GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await service.CreateClient(secondKey).GetAsync("/api/keys")).StatusCode);
    }

    [Fact]
    public async Task OnlyAnAdminKeyManagesKeysAndReadsTheAudit()
    {
        var predict = _factory.CreateClient(PredictKey);

        await (await predict.PostAsJsonAsync("/api/keys", new { name = "sneaky", scopes = new[] { "admin" } })).AssertProblemAsync(
            HttpStatusCode.Forbidden);
        await (await predict.GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await predict.DeleteAsync("/api/keys/ops")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await predict.GetAsync("/api/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
