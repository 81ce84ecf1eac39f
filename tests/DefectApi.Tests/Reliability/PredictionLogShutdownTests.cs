using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Reliability;

/// <summary>SIGTERM while answers wait in memory for the next flush: the graceful stop writes every one of them.</summary>
public sealed class PredictionLogShutdownTests() : ProcessDatabase("defectapi-log-sigterm-")
{
    [Fact]
    public async Task SigtermWritesEveryQueuedPrediction()
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Defects"] = $"Data Source={DatabasePath}",
            ["PredictionLog__FlushIntervalMilliseconds"] = "60000",   // nothing is written before the stop
        };
        var ids = new List<string>();
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), environment))
        {
            var modelId = (await service.Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 2, ensembleSize = 1 }))
                .GetProperty("modelId").GetString();
            (await service.Client.PutAsJsonAsync("/api/deployments/line3", new { modelId })).EnsureSuccessStatusCode();
            for (int i = 0; i < 10; i++)
            {
                var records = Enumerable.Range(0, 5).Select(k => new Dictionary<string, object>
                {
                    ["Serial"] = $"SN{i}-{k}", ["Shift"] = "early", ["Temperature [C]"] = 60 + i * 4, ["Speed [rpm]"] = 1000 + k * 200,
                });
                var answer = await (await service.Client.PostAsJsonAsync("/api/deployments/line3/predict", new { records }))
                    .Content.ReadFromJsonAsync<JsonElement>();
                ids.AddRange(answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predictionId").GetString()!));
            }

            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT PredictionId FROM LoggedAnswers";
        var logged = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) logged.Add(DefectApi.Monitoring.PredictionIds.FromBytes((byte[])reader[0]).ToString());
        Assert.Equal(50, ids.Count);
        Assert.Equal(ids.Order(), logged.Order());
    }
}
