using System.Security.Cryptography;
using DefectApi.Training;

namespace DefectApi.Tests.Datasets;

/// <summary>Runs on both providers: <see cref="DatasetsApiTestsOnSqlite"/> and <see cref="DatasetsApiTestsOnPostgres"/>.</summary>
public abstract class DatasetsApiTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    [SkippableFact]
    public async Task UploadingMultipartCsvCreatesDatasetWithInferredSchema()
    {
        var csv = TestData.DefectsCsv(rows: 200);
        var response = await Client.PostMultipartCsvAsync(csv, "line3");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = dataset.GetProperty("id").GetString();
        Assert.Equal($"/api/datasets/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("line3", dataset.GetProperty("name").GetString());
        Assert.Equal(200, dataset.GetProperty("rowCount").GetInt64());
        Assert.Equal(Encoding.UTF8.GetByteCount(csv), dataset.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv))), dataset.GetProperty("sha256").GetString());
        var types = dataset.GetProperty("columns").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
        Assert.Equal("identifier", types["Serial"]);
        Assert.Equal("categorical", types["Shift"]);
        Assert.Equal("numeric", types["Temperature [C]"]);
        Assert.Equal("numeric", types["Speed [rpm]"]);
        Assert.Equal("numeric", types["Defect"]);
    }

    [SkippableFact]
    public async Task UploadingRawTextCsvUsesTheNameFromTheQuery()
    {
        var response = await Client.PostAsync("/api/datasets?name=raw-upload",
            new StringContent(TestData.EfficiencyCsv(rows: 50), Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("raw-upload", dataset.GetProperty("name").GetString());
        Assert.Equal(50, dataset.GetProperty("rowCount").GetInt64());
    }

    [SkippableFact]
    public async Task UploadingTheSameBytesTwiceReturnsTheExistingDataset()
    {
        var csv = TestData.DefectsCsv(rows: 60);
        var first = await Client.UploadAsync(csv, "first");

        var again = await Client.PostMultipartCsvAsync(csv, "second");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [SkippableFact]
    public async Task ListingDatasetsShowsNewestFirst()
    {
        await Client.UploadAsync(TestData.DefectsCsv(rows: 30, seed: 1), "older");
        await Client.UploadAsync(TestData.DefectsCsv(rows: 30, seed: 2), "newer");

        var list = await Client.GetFromJsonAsync<JsonElement>("/api/datasets");

        Assert.Equal(["newer", "older"], list.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    [SkippableFact]
    public async Task RowsPreviewPagesThroughTheDataInFileOrder()
    {
        var dataset = await Client.UploadAsync(TestData.EfficiencyCsv(rows: 120));
        var id = dataset.GetProperty("id").GetString();

        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}/rows?offset=100&limit=50");

        Assert.Equal(["team", "workers", "smv", "efficiency"], page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(120, page.GetProperty("total").GetInt64());
        var rows = page.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(20, rows.Count);
        Assert.Equal("T4", rows[0][0].GetString());   // row 100 is team 100 % 6
    }

    [SkippableFact]
    public async Task RowsPreviewWithNegativeOffsetIsAValidationProblem()
    {
        var dataset = await Client.UploadAsync(TestData.EfficiencyCsv(rows: 20));

        var response = await Client.GetAsync($"/api/datasets/{dataset.GetProperty("id").GetString()}/rows?offset=-1&limit=5000");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("offset", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [SkippableFact]
    public async Task DeletingADatasetRemovesIt()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 30));
        var id = dataset.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/datasets/{id}")).StatusCode);

        await (await Client.GetAsync($"/api/datasets/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task DeletingADatasetThatARunningJobUsesIsAConflict()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 30));
        var id = Guid.Parse(dataset.GetProperty("id").GetString()!);
        // A job held by another replica, written directly, so the worker's speed cannot decide the outcome.
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            db.TrainingJobs.Add(new TrainingJob
            {
                Id = Guid.NewGuid(), DatasetId = id, Status = JobStatus.Running, RequestJson = "{}",
                CreatedAt = DateTime.UtcNow, LeaseOwner = "another-replica", LeaseExpiresAt = DateTime.UtcNow.AddHours(1)
            });
            await db.SaveChangesAsync();
        }

        var response = await Client.DeleteAsync($"/api/datasets/{id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("job", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/datasets/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task GettingAnUnknownDatasetIsNotFoundProblem()
    {
        var problem = await (await Client.GetAsync($"/api/datasets/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("GET /api/datasets", problem.GetProperty("detail").GetString());
    }
}

public sealed class DatasetsApiTestsOnSqlite() : DatasetsApiTests(DatabaseProvider.Sqlite);

public sealed class DatasetsApiTestsOnPostgres() : DatasetsApiTests(DatabaseProvider.Postgres);
