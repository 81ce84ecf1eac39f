using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Replicas;

/// <summary>Moving up: an SQLite installation copied into PostgreSQL with the service's own command serves the same
/// datasets, models and deployments, with identical predictions.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class DatabaseCopyTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("defectapi-copy-").FullName;
    string SqliteFile => $"Data Source={Path.Combine(_folder, "defects.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    static readonly object Parts = TestData.TwoDefectsParts;

    [PostgresFact]
    public async Task AnSqliteInstallationCopiedIntoPostgresServesTheSameModelsAndPredictions()
    {
        var sqlite = new Dictionary<string, string> { ["ConnectionStrings__Defects"] = SqliteFile };
        string datasets, models, deployments, predictions;
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), sqlite))
        {
            var first = await service.Client.TrainAsync(TestData.DefectsCsv(seed: 41), "Defect", new { epochs = 5 });
            await service.Client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 3 });
            await service.Client.PutAsJsonAsync("/api/deployments/line7", new { modelId = first.GetProperty("modelId").GetString() });
            (datasets, models, deployments, predictions) = await SnapshotAsync(service.Client);
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        var postgres = PostgresServer.Shared.CreateDatabase();

        var (exitCode, report) = await CopyAsync(sqlite, postgres);

        Assert.True(exitCode == 0, report);
        Assert.Contains("models: 2 in SQLite, 2 in PostgreSQL", report);
        Assert.Contains("SHA-256 checked for", report);
        Assert.Contains("logged predictions: 2 in SQLite, 2 in PostgreSQL", report);   // the snapshot's answers, written at SIGTERM
        var replica = new Dictionary<string, string> { ["Database__Provider"] = "postgres", ["ConnectionStrings__Defects"] = postgres };
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), replica))
        {
            var copied = await SnapshotAsync(service.Client);
            Assert.Equal(datasets, copied.Datasets);
            Assert.Equal(models, copied.Models);
            Assert.Equal(deployments, copied.Deployments);
            Assert.Equal(predictions, copied.Predictions);
        }
        // A second copy would mix two installations: refused, and nothing written.
        var (again, refusal) = await CopyAsync(sqlite, postgres);
        Assert.Equal(1, again);
        Assert.Contains("already holds", refusal);
    }

    static async Task<(string Datasets, string Models, string Deployments, string Predictions)> SnapshotAsync(HttpClient client)
    {
        var datasets = await client.GetFromJsonAsync<JsonElement>("/api/datasets");
        var models = await client.GetFromJsonAsync<JsonElement>("/api/models");
        var deployments = await client.GetFromJsonAsync<JsonElement>("/api/deployments");
        var prediction = await client.PostAsJsonAsync("/api/deployments/line7/predict", Parts);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        // Each answer's predictionId is new on every call; the rest must be the same.
        var answer = System.Text.Json.Nodes.JsonNode.Parse(await prediction.Content.ReadAsStringAsync())!;
        foreach (var item in answer["predictions"]!.AsArray()) item!.AsObject().Remove("predictionId");
        return (datasets.GetRawText(), models.GetRawText(), deployments.GetRawText(), answer.ToJsonString());
    }

    static Task<(int ExitCode, string Output)> CopyAsync(Dictionary<string, string> environment, string to) =>
        ServiceProcess.RunCommandAsync(environment, "copy-database", "--to", to);
}
