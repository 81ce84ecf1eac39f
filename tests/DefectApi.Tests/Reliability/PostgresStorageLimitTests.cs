using Npgsql;

namespace DefectApi.Tests.Reliability;

/// <summary>Storage:MaxDatabaseBytes on PostgreSQL, where it is pg_database_size(current_database()) that the limit
/// holds: an upload past it is refused with the same problem as on SQLite, reads and predictions go on, the database
/// stays within the limit, and writes work again once the refused upload's space is returned.</summary>
public sealed class PostgresStorageLimitTests
{
    const long Margin = 2L << 20;

    static async Task<long> SizeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    [PostgresFact]
    public async Task AnUploadPastTheLimitIsRefusedAsOnSqliteWhileReadsGoOnAndWritesComeBack()
    {
        // An empty PostgreSQL database is several megabytes of catalogues: the limit is a margin above a migrated one.
        long empty;
        using (var fresh = new ApiFactory(provider: DatabaseProvider.Postgres))
        {
            fresh.CreateClient();
            empty = await SizeAsync(fresh.ConnectionString);
        }
        var limit = empty + Margin;
        using var postgres = new ApiFactory(new Dictionary<string, string?> { ["Storage:MaxDatabaseBytes"] = limit.ToString() },
            DatabaseProvider.Postgres);
        using var sqlite = new ApiFactory(new Dictionary<string, string?> { ["Storage:MaxDatabaseBytes"] = (1 << 20).ToString() });
        var client = postgres.CreateClient();
        var job = await client.TrainAsync(TestData.EfficiencyCsv(rows: 120), "efficiency", new { epochs = 3 });
        var predict = $"/api/models/{job.GetProperty("modelId").GetString()}/predict";
        const string records = "{\"records\":[{\"team\":\"T1\",\"workers\":30,\"smv\":12.5}]}";
        var before = await (await client.PostAsync(predict, ApiClient.Json(records))).Content.ReadAsStringAsync();

        // More than twice the margin once stored (SQLite refuses 60,000 rows at 1 MiB): refused part-way through its COPY.
        var refused = await client.PostAsync("/api/datasets?name=big", Csv(StorageFullTests.BigCsv(400_000)));
        var onSqlite = await sqlite.CreateClient().PostAsync("/api/datasets?name=big", Csv(StorageFullTests.BigCsv(60_000)));

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var sqliteProblem = await onSqlite.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(sqliteProblem.GetProperty("type").GetString(), problem.GetProperty("type").GetString());
        Assert.Equal(sqliteProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
        Assert.Contains("Storage:MaxDatabaseBytes", problem.GetProperty("detail").GetString());
        Assert.Equal(onSqlite.Headers.RetryAfter, refused.Headers.RetryAfter);
        Assert.InRange(await SizeAsync(postgres.ConnectionString), empty, limit);
        var datasets = await client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(1, datasets.GetProperty("items").GetArrayLength());
        Assert.Equal(before, await (await client.PostAsync(predict, ApiClient.Json(records))).Content.ReadAsStringAsync());

        var small = await client.PostAsync("/api/datasets?name=small", Csv(StorageFullTests.BigCsv(500)));
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
    }
}
