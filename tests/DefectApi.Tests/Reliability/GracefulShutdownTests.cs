using System.Net.Http.Json;
using System.Text.Json;
using DefectApi.Tests.Infrastructure;

namespace DefectApi.Tests.Reliability;

/// <summary>SIGTERM, as a container runtime sends it: the running job goes back to the queue, the process exits
/// cleanly, and the job runs to the end after the next start.</summary>
public sealed class GracefulShutdownTests() : ProcessDatabase("defectapi-sigterm-")
{
    [Fact]
    public async Task SigtermRequeuesTheRunningJobWhichFinishesAfterRestart()
    {
        string jobId;
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment))
        {
            var dataset = await service.Client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 3), "long");
            var job = await service.Client.StartJobAsync(new
            {
                datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 2000, batchSize = 8, earlyStoppingPatience = 0, ensembleSize = 1,
            });
            jobId = job.GetProperty("id").GetString()!;
            while ((await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}")).GetProperty("progress").ValueKind != JsonValueKind.Object)
                await Task.Delay(50);

            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment))
        {
            var job = await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "running" });
            // Long enough never to finish before the SIGTERM on a fast machine; once it trains again after the restart,
            // "stop, keep best" ends it with the best model so far.
            while (await service.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}") is var again
                && (again.GetProperty("status").GetString() != "running" || again.GetProperty("progress").ValueKind != JsonValueKind.Object))
                await Task.Delay(50);
            await service.Client.PostAsync($"/api/training-jobs/{jobId}/cancel?keepBest=true", null);
            var finished = await service.Client.WaitForJobAsync(jobId, TimeSpan.FromSeconds(180));
            Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        }
    }
}
