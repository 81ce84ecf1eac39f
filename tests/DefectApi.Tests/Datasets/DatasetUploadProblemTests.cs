namespace DefectApi.Tests.Datasets;

/// <summary>Uploads that cannot become a dataset: each answers problem+json and stores nothing.</summary>
public sealed class DatasetUploadProblemTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "4096" });
    readonly HttpClient _client;

    public DatasetUploadProblemTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    async Task AssertNothingStoredAsync()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task UploadingWithAnUnsupportedContentTypeIs415()
    {
        var response = await _client.PostAsync("/api/datasets", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("multipart/form-data", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UploadingAHeaderOnlyCsvIsABadRequest()
    {
        var response = await _client.PostMultipartCsvAsync("a,b,c\n");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UploadingARaggedRowNamesTheRow()
    {
        var response = await _client.PostMultipartCsvAsync("a,b,c\n1,2,3\n4,5\n6,7,8\n");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(3, problem.GetProperty("row").GetInt64());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UploadingMoreThanTheLimitIs413()
    {
        var response = await _client.PostMultipartCsvAsync(TestData.DefectsCsv(rows: 400));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Uploads:MaxBytes", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UploadingMultipartWithoutAFilePartNamesTheField()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "name" } };

        var response = await _client.PostAsync("/api/datasets", form);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UploadingWithAnUnknownDelimiterNamesTheField()
    {
        var response = await _client.PostAsync("/api/datasets?delimiter=x",
            new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("delimiter", out _));
        await AssertNothingStoredAsync();
    }
}
