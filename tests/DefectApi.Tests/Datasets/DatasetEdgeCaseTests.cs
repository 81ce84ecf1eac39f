using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Datasets;

/// <summary>Uploads a tester sent that real files also contain: each is read as users expect, never a 500. Runs on both
/// providers: <see cref="DatasetEdgeCaseTestsOnSqlite"/> and <see cref="DatasetEdgeCaseTestsOnPostgres"/>.</summary>
public abstract class DatasetEdgeCaseTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    static JsonElement Column(JsonElement dataset, string name) =>
        dataset.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [SkippableFact]
    public async Task UploadingValuesNearTheLimitsOfDoubleGivesFiniteStatistics()
    {
        var response = await Client.PostMultipartCsvAsync("x,y\n1e308,1\n-1e308,2\n3,3\n");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var x = Column(await response.Content.ReadFromJsonAsync<JsonElement>(), "x");
        Assert.Equal("numeric", x.GetProperty("type").GetString());
        Assert.Equal(1e308, x.GetProperty("std").GetDouble(), 1e294);
        Assert.Equal(1, x.GetProperty("mean").GetDouble(), 1e-9);
    }

    [SkippableFact]
    public async Task AnExportEndingEveryLineWithTheDelimiterIsAcceptedWithoutTheEmptyColumn()
    {
        var response = await Client.PostMultipartCsvAsync("Part;Torque;\r\nA1;12,5;\r\nA2;13,5;\r\n");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Part", "Torque"], dataset.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(13, Column(dataset, "Torque").GetProperty("mean").GetDouble());
    }

    [SkippableFact]
    public async Task ANulByteAfterTheFirstChunkIsABadRequestNamingTheLineAndNothingIsStored()
    {
        // 20,000 rows: the first 8,192 are already written as a chunk when line 15,002 is read.
        var csv = new StringBuilder("a,b\n");
        for (var i = 0; i < 20_000; i++) csv.Append(i == 15_000 ? "7\0,1\n" : $"{i},{i % 5}\n");

        var response = await Client.PostMultipartCsvAsync(csv.ToString());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(15_002, problem.GetProperty("row").GetInt64());
        Assert.Contains("NUL byte", problem.GetProperty("detail").GetString());
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        Assert.Equal(0, await db.Datasets.CountAsync());
        Assert.Equal(0, await db.DatasetChunks.CountAsync());
    }

    [SkippableFact]
    public async Task OneExcelErrorAmongFiveHundredReadingsLeavesTheColumnNumericAndIsReportedAsMissing()
    {
        var csv = new StringBuilder("sensor,line\n");
        for (var i = 0; i < 500; i++) csv.Append(i == 42 ? "#VALUE!" : $"{20 + i % 10}.5").Append($",L{i % 3}\n");

        var response = await Client.PostMultipartCsvAsync(csv.ToString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sensor = Column(dataset, "sensor");
        Assert.Equal("numeric", sensor.GetProperty("type").GetString());
        Assert.Equal(1, sensor.GetProperty("missing").GetInt64());
        var treated = sensor.GetProperty("treatedAsMissing");
        Assert.Equal(1, treated.GetProperty("count").GetInt64());
        Assert.Equal("#VALUE!", treated.GetProperty("values")[0].GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, Column(dataset, "line").GetProperty("treatedAsMissing").ValueKind);
        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{dataset.GetProperty("id").GetString()}/" +
            "rows?offset=41&limit=2");
        Assert.Equal(21.5, page.GetProperty("rows")[0][0].GetDouble());
        Assert.Equal("#VALUE!", page.GetProperty("rows")[1][0].GetString());
    }
}

public sealed class DatasetEdgeCaseTestsOnSqlite() : DatasetEdgeCaseTests(DatabaseProvider.Sqlite);

public sealed class DatasetEdgeCaseTestsOnPostgres() : DatasetEdgeCaseTests(DatabaseProvider.Postgres);
