namespace DefectApi.Tests.Datasets;

/// <summary>GET /api/datasets lists summaries page by page; the full schema is GET /api/datasets/{id}. Runs on both
/// providers (the column count is taken in SQL): <see cref="DatasetListTestsOnSqlite"/>,
/// <see cref="DatasetListTestsOnPostgres"/>.</summary>
public abstract class DatasetListTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    [SkippableFact]
    public async Task AWideDatasetIsListedAsASmallSummaryWithItsColumnCount()
    {
        var header = string.Join(',', Enumerable.Range(0, 5000).Select(i => $"sensor_{i}"));
        var row = string.Join(',', Enumerable.Range(0, 5000).Select(i => (i % 97).ToString()));
        var dataset = await Client.UploadAsync($"{header}\n{row}\n{row.Replace('1', '2')}\n");

        var text = await Client.GetStringAsync("/api/datasets");

        Assert.True(text.Length < 2000, $"{text.Length} characters");
        var item = JsonDocument.Parse(text).RootElement.GetProperty("items")[0];
        Assert.Equal(dataset.GetProperty("id").GetString(), item.GetProperty("id").GetString());
        Assert.Equal(5000, item.GetProperty("columnCount").GetInt32());
        Assert.False(item.TryGetProperty("columns", out _));
        var full = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{item.GetProperty("id").GetString()}");
        Assert.Equal(5000, full.GetProperty("columns").GetArrayLength());
    }

    [SkippableFact]
    public async Task PagesFollowTheNextLinkNewestFirstUntilItIsNull()
    {
        foreach (var (name, seed) in new[] { ("first", 1), ("second", 2), ("third", 3) })
            await Client.UploadAsync(TestData.DefectsCsv(rows: 30, seed: seed), name);

        var page1 = await Client.GetFromJsonAsync<JsonElement>("/api/datasets?limit=2");
        var page2 = await Client.GetFromJsonAsync<JsonElement>(page1.GetProperty("next").GetString());

        Assert.Equal(["third", "second"], page1.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(3, page1.GetProperty("total").GetInt64());
        Assert.Equal("/api/datasets?offset=2&limit=2", page1.GetProperty("next").GetString());
        Assert.Equal(5, page1.GetProperty("items")[0].GetProperty("columnCount").GetInt32());
        Assert.Equal(["first"], page2.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next").ValueKind);
    }

    [SkippableFact]
    public async Task PagingOutsideItsRangeIsAValidationProblem()
    {
        var response = await Client.GetAsync("/api/datasets?offset=-1&limit=0");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("offset", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }
}

public sealed class DatasetListTestsOnSqlite() : DatasetListTests(DatabaseProvider.Sqlite);

public sealed class DatasetListTestsOnPostgres() : DatasetListTests(DatabaseProvider.Postgres);
