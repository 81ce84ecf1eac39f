using System.Globalization;

namespace DefectApi.Tests.Reliability;

/// <summary>SIGTERM, as a container runtime sends it: the running job goes back to the queue at once, while the drain
/// keeps the service answering, the process exits cleanly, and the job runs to the end after the next start.</summary>
public sealed class GracefulShutdownTests() : ProcessDatabase("defectapi-sigterm-")
{
    const int DrainSeconds = 3;

    [Fact]
    public async Task SigtermRequeuesTheRunningJobWhichFinishesAfterRestart()
    {
        string jobId;
        var draining = Environment;
        draining["Shutdown__DrainSeconds"] = DrainSeconds.ToString(CultureInfo.InvariantCulture);
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), draining))
        {
            var dataset = await service.Client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 3), "long");
            var job = await service.Client.StartJobAsync(new
            {
                datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 2000, batchSize = 8,
                earlyStoppingPatience = 0, ensembleSize = 1,
            });
            jobId = job.GetProperty("id").GetString()!;
            while ((await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}")).GetProperty("progress")
                .ValueKind != JsonValueKind.Object)
                await Task.Delay(50);

            service.SendSigterm();
            var sinceSigterm = Stopwatch.StartNew();
            // Back in the queue while the replica still drains, for another replica to take (here, the next start).
            while ((await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}")).GetProperty("status")
                .GetString() != "queued")
            {
                Assert.True(sinceSigterm.Elapsed < TimeSpan.FromSeconds(DrainSeconds - 1), "the job is not back in the queue " +
                    "early in the drain");
                await Task.Delay(50);
            }
            Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment))
        {
            var job = await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "running" });
            // Long enough never to finish before the SIGTERM on a fast machine; once it trains again after the restart,
            // "stop, keep best" ends it with the best model so far.
            while (await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}") is var again
                && (again.GetProperty("status").GetString() != "running" || again.GetProperty("progress")
                    .ValueKind != JsonValueKind.Object))
                await Task.Delay(50);
            await service.Client.PostAsync($"/api/training-jobs/{jobId}/cancel?keepBest=true", null);
            var finished = await service.Client.WaitForJobAsync(jobId, TimeSpan.FromSeconds(180));
            Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        }
    }
}
