using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Data;

/// <summary><c>backup</c> and <c>restore</c> as an operator runs them: the service's own dll in processes of their own,
/// beside the running service.</summary>
public sealed class BackupRestoreTests : IDisposable
{
    readonly TemporaryFolder _folder = new("defectapi-backup-");

    public void Dispose() => _folder.Dispose();

    /// <summary>A service, or a command, whose data folder is <paramref name="name"/> (DEFECTAPI_DATA) under the test's
    /// folder; the database is the default <c>defects.db</c> in it.</summary>
    Dictionary<string, string> DataIn(string name) => new()
    {
        [DataFolder.Variable] = Path.Combine(_folder.Path, name),
        // Harmless while keys are optional; keeps the test about backups if the service becomes secure by default.
        ["Auth__RequireKeys"] = "false",
    };

    string DatabaseIn(string name) => Path.Combine(_folder.Path, name, "defects.db");

    static readonly object Parts = TestData.TwoDefectsParts;

    static async Task<string> PredictAsync(HttpClient client, string path)
    {
        var response = await client.PostAsJsonAsync(path, Parts);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    static async Task<int> DatasetCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/datasets")).GetProperty("items").GetArrayLength();

    /// <summary>Requests that keep the service reading and writing until stopped: logged predictions and uploads.</summary>
    sealed class Load(HttpClient client)
    {
        public int Predictions;
        public int Uploads;

        public Task RunAsync(CancellationToken stop) => Task.WhenAll(PredictAsync(stop), UploadAsync(stop));

        async Task PredictAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await BackupRestoreTests.PredictAsync(client, "/api/deployments/line7/predict");
                Interlocked.Increment(ref Predictions);
            }
        }

        async Task UploadAsync(CancellationToken stop)
        {
            for (var seed = 1; !stop.IsCancellationRequested; seed++)
            {
                var response = await client.PostAsync($"/api/datasets?name=shift{seed}",
                    new StringContent(TestData.EfficiencyCsv(rows: 200, seed: seed), Encoding.UTF8, "text/csv"));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Interlocked.Increment(ref Uploads);
            }
        }
    }

    [Fact]
    public async Task ABackupTakenUnderLoadRestoresAndPredictsByteIdentically()
    {
        var backup = Path.Combine(_folder.Path, "backups", "before-upgrade.db");
        string modelId, byModel, byDeployment;
        int datasetsAtStart, datasetsAtEnd;
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), DataIn("live")))
        {
            var job = await service.Client.TrainAsync(TestData.DefectsCsv(seed: 41), "Defect", new { epochs = 5 });
            modelId = job.GetProperty("modelId").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await service.Client.PutAsJsonAsync("/api/deployments/line7", new { modelId })).StatusCode);

            var load = new Load(service.Client);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            while (load.Uploads < 2 || load.Predictions < 20) await Task.Delay(50);
            datasetsAtStart = await DatasetCountAsync(service.Client);
            var (predictionsAtStart, uploadsAtStart) = (load.Predictions, load.Uploads);

            var (exitCode, output) = await ServiceProcess.RunCommandAsync(DataIn("live"), "backup", "--to", backup);

            datasetsAtEnd = await DatasetCountAsync(service.Client);
            var (predictionsAtEnd, uploadsAtEnd) = (load.Predictions, load.Uploads);
            await stop.CancelAsync();
            await running;
            Assert.True(exitCode == 0, output + "\n" + service.RecentOutput());
            Assert.Contains($"Backed up {DatabaseIn("live")} to {backup}", output);
            // The service answered and stored while the backup ran.
            Assert.True(predictionsAtEnd > predictionsAtStart && uploadsAtEnd > uploadsAtStart,
                $"predictions {predictionsAtStart}→{predictionsAtEnd}, uploads {uploadsAtStart}→{uploadsAtEnd}");
            byModel = await PredictAsync(service.Client, $"/api/models/{modelId}/predict");
            byDeployment = ApiClient.WithoutPredictionIds(JsonDocument.Parse(await PredictAsync(service.Client,
                "/api/deployments/line7/predict"))
                .RootElement.GetProperty("predictions"));
        }
        Assert.False(File.Exists(backup + "-wal"));

        var (restored, report) = await ServiceProcess.RunCommandAsync(DataIn("restored"), "restore", "--from", backup);

        Assert.True(restored == 0, report);
        Assert.Contains($"into {DatabaseIn("restored")}", report);
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), DataIn("restored")))
        {
            Assert.Equal(byModel, await PredictAsync(service.Client, $"/api/models/{modelId}/predict"));
            Assert.Equal(byDeployment, ApiClient.WithoutPredictionIds(JsonDocument.Parse(await PredictAsync(service.Client,
                "/api/deployments/line7/predict"))
                .RootElement.GetProperty("predictions")));
            // The registry as of one moment during the backup: every upload finished before it, none after it.
            var datasets = await DatasetCountAsync(service.Client);
            Assert.InRange(datasets, datasetsAtStart, datasetsAtEnd);
        }
    }

    [Fact]
    public async Task RestoreRefusesATargetThatHoldsDataOrIsInUseAndForceReplacesOneThatIsStopped()
    {
        var backup = Path.Combine(_folder.Path, "backup.db");
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), DataIn("source")))
        {
            await service.Client.UploadAsync(TestData.DefectsCsv(rows: 50), "from-the-backup");
            Assert.Equal(0, (await ServiceProcess.RunCommandAsync(DataIn("source"), "backup", "--to", backup)).ExitCode);
            var (again, refusal) = await ServiceProcess.RunCommandAsync(DataIn("source"), "backup", "--to", backup);
            Assert.Equal(1, again);
            Assert.Contains("exists already", refusal);
        }
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), DataIn("target")))
        {
            await service.Client.UploadAsync(TestData.EfficiencyCsv(rows: 50), "kept");
            await service.Client.UploadAsync(TestData.EfficiencyCsv(rows: 60), "kept-too");
            // Forced, but the service has the file open: refused, and it keeps serving its own data.
            var (inUse, inUseMessage) = await ServiceProcess.RunCommandAsync(DataIn("target"), "restore", "--from", backup, "--force");
            Assert.Equal(1, inUse);
            Assert.Contains("is open in a running service", inUseMessage);
            Assert.Equal(2, await DatasetCountAsync(service.Client));
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        var target = DatabaseIn("target");
        var before = SHA256.HashData(File.ReadAllBytes(target));
        var files = Directory.GetFiles(Path.GetDirectoryName(target)!);

        var (exitCode, message) = await ServiceProcess.RunCommandAsync(DataIn("target"), "restore", "--from", backup);

        Assert.Equal(1, exitCode);
        // The uploads are audited too, so the description goes on past the datasets ("…, 2 audit entries").
        Assert.Contains($"{target} already holds 2 datasets", message);
        Assert.Contains("; nothing was changed", message);
        Assert.Contains("--force", message);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(target)));
        Assert.Equal(files, Directory.GetFiles(Path.GetDirectoryName(target)!));

        // A WAL left by a process that died belongs to the old file: applied to the restored one it would corrupt it.
        File.WriteAllText(target + "-wal", "frames of the database being replaced");
        var (forced, forcedReport) = await ServiceProcess.RunCommandAsync(DataIn("target"), "restore", "--from", backup, "--force");
        Assert.True(forced == 0, forcedReport);
        Assert.False(File.Exists(target + "-wal"));
        Assert.Contains("1 datasets", forcedReport);
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), DataIn("target")))
        {
            var datasets = await service.Client.GetFromJsonAsync<JsonElement>("/api/datasets");
            Assert.Equal("from-the-backup", datasets.GetProperty("items")[0].GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task RestoreRefusesAFileThatIsNotADefectApiDatabaseAndLeavesNothingBehind()
    {
        var text = Path.Combine(_folder.Path, "notes.txt");
        File.WriteAllText(text, "not a database at all, though someone named it like a backup");
        var foreign = Path.Combine(_folder.Path, "other-app.db");
        using (var connection = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers " +
                "(name) VALUES ('Acme');";
            command.ExecuteNonQuery();
        }

        var (notSqlite, notSqliteMessage) = await ServiceProcess.RunCommandAsync(DataIn("fresh"), "restore", "--from", text);
        var (notOurs, notOursMessage) = await ServiceProcess.RunCommandAsync(DataIn("fresh"), "restore", "--from", foreign);
        var (missing, missingMessage) = await ServiceProcess.RunCommandAsync(DataIn("fresh"), "restore", "--from",
            Path.Combine(_folder.Path, "nowhere.db"));

        Assert.Equal(1, notSqlite);
        Assert.Contains("is not an SQLite database", notSqliteMessage);
        Assert.Equal(1, notOurs);
        Assert.Contains("not a DefectApi one", notOursMessage);
        Assert.Equal(1, missing);
        Assert.Contains("There is no file at", missingMessage);
        foreach (var message in new[] { notSqliteMessage, notOursMessage, missingMessage }) Assert.DoesNotContain("   at ", message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder.Path, "fresh")));
    }

    [Fact]
    public async Task MistakesOnTheCommandLineAreRefusedWithTheUsageAndOnPostgresThePgToolsAreNamed()
    {
        var (unknown, unknownMessage) = await ServiceProcess.RunCommandAsync(DataIn("cli"), "bakup", "--to", "x.db");
        var (misspelt, misspeltMessage) = await ServiceProcess.RunCommandAsync(DataIn("cli"), "restore", "--from", "x.db", "--froce");
        var (noTarget, noTargetMessage) = await ServiceProcess.RunCommandAsync(DataIn("cli"), "backup");
        var (nothing, nothingMessage) = await ServiceProcess.RunCommandAsync(DataIn("cli"), "backup", "--to",
            Path.Combine(_folder.Path, "b.db"));
        var postgres = new Dictionary<string, string>
        {
            ["Database__Provider"] = "postgres", ["ConnectionStrings__Defects"] = "Host=db.plant;Port=5433;Database=defects;" +
                "Username=defectapi;Password=secret",
        };
        var (dump, dumpMessage) = await ServiceProcess.RunCommandAsync(postgres, "backup", "--to", "/backups/defects 2026.dump");
        var (restore, restoreMessage) = await ServiceProcess.RunCommandAsync(postgres, "restore", "--from", "/backups/defects.dump");

        Assert.Equal((2, 2, 2), (unknown, misspelt, noTarget));
        Assert.Contains("Unknown command 'bakup'", unknownMessage);
        Assert.Contains("Unknown argument '--froce'.\nusage: dotnet DefectApi.dll restore --from FILE [--force]", misspeltMessage);
        Assert.Contains("--to is required", noTargetMessage);
        Assert.Equal(1, nothing);
        Assert.Contains($"There is no database at {DatabaseIn("cli")}", nothingMessage);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "b.db")));
        Assert.Equal((1, 1), (dump, restore));
        Assert.Contains("pg_dump -h db.plant -p 5433 -U defectapi -d defects -Fc -f '/backups/defects 2026.dump'", dumpMessage);
        Assert.Contains("pg_restore -h db.plant -p 5433 -U defectapi -d defects --clean --if-exists --no-owner /backups/defects.dump",
            restoreMessage);
        Assert.DoesNotContain("secret", dumpMessage + restoreMessage);
    }
}
