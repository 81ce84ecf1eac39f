using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace DefectApi.Tests.Security;

public sealed class ApiKeyTests : IDisposable
{
    const string PredictKey = "predict-key-123";
    const string TrainKey = "train-key-456";
    const string AdminKey = "admin-key-789";
    readonly ApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:0:Name"] = "mes-line3", ["Auth:ApiKeys:0:Hash"] = Hash(PredictKey), ["Auth:ApiKeys:0:Scopes:0"] = "predict",
        ["Auth:ApiKeys:1:Name"] = "quality-eng", ["Auth:ApiKeys:1:Hash"] = Hash(TrainKey), ["Auth:ApiKeys:1:Scopes:0"] = "train",
        ["Auth:ApiKeys:2:Name"] = "ops", ["Auth:ApiKeys:2:Hash"] = Hash(AdminKey), ["Auth:ApiKeys:2:Scopes:0"] = "admin",
    });

    public void Dispose() => _factory.Dispose();

    static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    HttpClient Client(string? key)
    {
        var client = _factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    [Fact]
    public async Task ACallWithoutAKeyIs401Problem()
    {
        var problem = await (await Client(null).GetAsync("/api/datasets")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnUnknownKeyIs401Problem()
    {
        await (await Client("not-a-key").GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task APredictKeyCannotUploadDatasets()
    {
        var response = await Client(PredictKey).PostMultipartCsvAsync(TestData.DefectsCsv(rows: 20));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("mes-line3", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ATrainKeyUploadsButOnlyAnAdminKeyDeletes()
    {
        var dataset = await Client(TrainKey).UploadAsync(TestData.DefectsCsv(rows: 20));
        var id = dataset.GetProperty("id").GetString();

        await (await Client(TrainKey).DeleteAsync($"/api/datasets/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(AdminKey).DeleteAsync($"/api/datasets/{id}")).StatusCode);
    }

    [Fact]
    public async Task APredictKeyReadsModelsAndDeploymentsButCannotMoveThem()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client(PredictKey).GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(PredictKey).GetAsync("/api/deployments")).StatusCode);

        var response = await Client(PredictKey).PutAsJsonAsync("/api/deployments/line3", new { modelId = Guid.NewGuid() });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task HealthAndTheApiDocumentNeedNoKey()
    {
        var client = Client(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
    }
}

public sealed class OpenModeTests
{
    [Fact]
    public async Task WithoutKeysTheServiceIsOpenAndSaysSoInReadiness()
    {
        using var factory = new ApiFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/datasets")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Contains("open", ready.GetProperty("checks").GetProperty("authentication").GetProperty("description").GetString());
    }

    [Fact]
    public void AKeyHashThatIsNotSha256HexRefusesToStart()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0:Name"] = "plain", ["Auth:ApiKeys:0:Hash"] = "my-secret-key", ["Auth:ApiKeys:0:Scopes:0"] = "admin",
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("sha256sum", error.Message);
    }
}
