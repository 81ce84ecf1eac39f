using DefectApi.Training;
using Microsoft.Extensions.Options;

namespace DefectApi.Tests.Training;

/// <summary>Training:MaxThreads and Training:Enabled: how many cores training takes, and replicas that take none.</summary>
public sealed class TrainingCoresTests
{
    /// <summary>A clock whose timestamps move only when told: the cap's switch depends on nothing else.</summary>
    sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;
        public override long TimestampFrequency => 1000;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += (long)by.TotalMilliseconds;
    }

    [Theory]
    [InlineData(1, null, 1, true)]
    [InlineData(2, null, 2, true)]
    [InlineData(3, null, 2, false)]
    [InlineData(16, null, 15, false)]
    [InlineData(2, 1, 1, false)]
    [InlineData(2, 2, 2, false)]
    [InlineData(8, 4, 4, false)]
    [InlineData(4, 16, 4, false)]
    public void TheCeilingIsAllButOneCoreOnMoreThanTwoOrWhatMaxThreadsSays(int processors, int? maxThreads, int ceiling, bool adaptive)
    {
        var cores = new TrainingCores(maxThreads, processors, new ManualClock());

        Assert.Equal((ceiling, adaptive), (cores.Ceiling, cores.Adaptive));
        Assert.Equal(ceiling, cores.Limit);
        Assert.Equal(ceiling, cores.Slots.Ceiling);
        Assert.True(cores.Slots.BelowNormalPriority);
    }

    [Fact]
    public void OnTwoCoresTheDefaultDropsToOneWhilePredictionsArriveAndTakesBothBackAfterAQuietSpell()
    {
        var clock = new ManualClock();
        var cores = new TrainingCores(null, 2, clock);
        Assert.Equal(2, cores.Limit);

        cores.PredictionArrived();
        Assert.Equal(1, cores.Limit);
        clock.Advance(TrainingCores.PredictionsArrivingWindow - TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, cores.Limit);
        cores.PredictionArrived();
        clock.Advance(TrainingCores.PredictionsArrivingWindow - TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, cores.Limit);
        Assert.Contains("they are", cores.Describe());

        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, cores.Limit);
        Assert.Contains("none lately", cores.Describe());
    }

    [Fact]
    public void AnExplicitMaxThreadsHoldsWhilePredictionsArrive()
    {
        var cores = new TrainingCores(2, 2, new ManualClock());

        cores.PredictionArrived();

        Assert.Equal(2, cores.Limit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void AMaxThreadsBelowOneRefusesToStart(string value)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?> { ["Training:MaxThreads"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Training:MaxThreads must be at least 1", error.Message);
    }

    [Fact]
    public async Task EveryPredictRequestTellsTrainingThatPredictionsAreArriving()
    {
        using var factory = new ApiFactory();
        var client = factory.CreateClient();
        var job = await client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 3 });
        var cores = factory.Services.GetRequiredService<TrainingCores>();
        Assert.False(cores.PredictionsArriving);

        var response = await client.PostAsJsonAsync($"/api/models/{job.GetProperty("modelId").GetString()}/predict", new
        {
            records = new[] { new Dictionary<string, object> { ["Serial"] = "SN1", ["Shift"] = "late", ["Temperature [C]"] = 88.5,
                ["Speed [rpm]"] = 1720.0 } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(cores.PredictionsArriving);
        var health = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Contains("Training:MaxThreads", health.GetProperty("checks").GetProperty("training").GetProperty("description").GetString());
    }

    [Fact]
    public async Task AServeOnlyReplicaAcceptsAndQueuesJobsButNeverClaimsOne()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Training:Enabled"] = "false",
            ["Training:PollSeconds"] = "0.05"
        });
        var client = factory.CreateClient();
        var dataset = await client.UploadAsync(TestData.DefectsCsv());

        var accepted = await client.StartJobAsync(new { datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 3 });

        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        // A worker would claim it at once (the job wakes it) or at its next poll: twenty polls go by.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{accepted.GetProperty("id").GetString()}");
        Assert.Equal("queued", job.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("startedAt").ValueKind);
        var health = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var training = (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("training");
        Assert.Equal(TrainingHealthCheck.Off, training.GetProperty("description").GetString());
    }
}
