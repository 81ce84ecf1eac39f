using DefectApi.Training;

namespace DefectApi.Tests.Training;

/// <summary>Runs on both providers: <see cref="TrainingJobsApiTestsOnSqlite"/> and <see cref="TrainingJobsApiTestsOnPostgres"/>.</summary>
public abstract class TrainingJobsApiTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    [SkippableFact]
    public async Task StartingAJobAnswers202WithLocationAndTheEffectiveRequest()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv());

        var response = await Client.PostAsJsonAsync("/api/training-jobs",
            new { datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 5 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/training-jobs/{job.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "running", "succeeded" });
        var request = job.GetProperty("request");
        Assert.Equal(5, request.GetProperty("epochs").GetInt32());
        Assert.Equal("auto", request.GetProperty("task").GetString());
        Assert.Equal("line3", request.GetProperty("modelName").GetString());
    }

    [SkippableFact]
    public async Task AFinishedJobReportsItsProgressAndModel()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new
        {
            epochs = 12, earlyStoppingPatience = 0,
            ensembleSize = 2
        });

        // Two networks of 12 epochs each: progress counts the whole ensemble.
        var progress = job.GetProperty("progress");
        Assert.Equal(24, progress.GetProperty("epoch").GetInt32());
        Assert.Equal(24, progress.GetProperty("epochs").GetInt32());
        Assert.Equal(2, job.GetProperty("request").GetProperty("ensembleSize").GetInt32());
        Assert.Equal(0, progress.GetProperty("etaSeconds").GetDouble());
        Assert.True(progress.GetProperty("trainLoss").GetDouble() > 0);
        // The same in the request's terms: 2 members of 12 epochs; the last epoch reported is a member's 12th, and
        // whichever member is not named as training is counted done (the two train side by side).
        Assert.Equal(2, progress.GetProperty("members").GetInt32());
        Assert.Equal(12, progress.GetProperty("epochsPerMember").GetInt32());
        var training = progress.GetProperty("membersTraining").EnumerateArray().ToList();
        Assert.Equal(2, progress.GetProperty("membersDone").GetInt32() + training.Count);
        Assert.Contains(training, m => m.GetProperty("epoch").GetInt32() == 12);
        Assert.Equal(12, progress.GetProperty("memberEpoch").GetInt32());
        Assert.Contains(training, m => m.GetProperty("member").GetInt32() == progress.GetProperty("member").GetInt32());
        Assert.All(training, m => Assert.InRange(m.GetProperty("member").GetInt32(), 1, 2));
        Assert.NotNull(job.GetProperty("startedAt").GetString());
        Assert.NotNull(job.GetProperty("finishedAt").GetString());
        Assert.Equal(JsonValueKind.String, job.GetProperty("modelId").ValueKind);
    }

    [SkippableFact]
    public async Task TheEventStreamEndsWithFinished()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 5, earlyStoppingPatience = 0 });

        var response = await Client.GetAsync($"/api/training-jobs/{job.GetProperty("id").GetString()}/events");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split('\n').Where(l => l.StartsWith("event: ")).Select(l => l[7..]).ToList();
        Assert.Equal("finished", events[^1]);
        Assert.Contains("\"status\":\"succeeded\"", text);
    }

    [SkippableFact]
    public async Task ListingJobsFiltersByStatus()
    {
        await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 3 });

        var succeeded = await Client.GetFromJsonAsync<JsonElement>("/api/training-jobs?status=succeeded");
        var running = await Client.GetFromJsonAsync<JsonElement>("/api/training-jobs?status=running");

        Assert.Equal(1, succeeded.GetProperty("items").GetArrayLength());
        Assert.Equal(0, running.GetProperty("items").GetArrayLength());
    }

    [SkippableFact]
    public async Task StartingAJobWithoutTargetNamesTheMissingFields()
    {
        var response = await Client.PostAsync("/api/training-jobs", ApiClient.Json("{}"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid training request", problem.GetProperty("title").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("datasetId", out _));
        Assert.True(errors.TryGetProperty("target", out _));
    }

    [SkippableFact]
    public async Task StartingAJobWithAnUnknownTargetColumnListsTheColumns()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 50));

        var response = await Client.PostAsJsonAsync("/api/training-jobs",
            new { datasetId = dataset.GetProperty("id").GetString(), target = "Scrap" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("target")[0].GetString();
        Assert.Contains("Temperature [C]", message);
    }

    [SkippableTheory]
    [InlineData("task", "clustering", "Use one of: auto, binary, multiclass, regression.")]
    [InlineData("leakage", "ignore", "Use one of: exclude, warn, off.")]
    public async Task StartingAJobWithAnUnknownChoiceNamesTheAllowedValues(string field, string value, string message)
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 50));

        var response = await Client.PostAsJsonAsync("/api/training-jobs", new Dictionary<string, string?>
        {
            ["datasetId"] = dataset.GetProperty("id").GetString(), ["target"] = "Defect", [field] = value,
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [SkippableFact]
    public async Task AProbableLeakIsLeftOutAndTheJobAndTheModelSayWhy()
    {
        // A scrap code written only for the defective parts: known only after the outcome.
        var csv = string.Join('\n', TestData.DefectsCsv().TrimEnd().Split('\n').Select((line, i) =>
            line + "," + (i == 0 ? "Scrap code" : line.EndsWith(",1", StringComparison.Ordinal) ? $"S{i % 4}" : ""))) + "\n";

        var job = await Client.TrainAsync(csv, "Defect", new { epochs = 3, ensembleSize = 1 });

        Assert.Equal("exclude", job.GetProperty("request").GetProperty("leakage").GetString());
        var leak = Assert.Single(job.GetProperty("leaks").EnumerateArray());
        Assert.Equal("Scrap code", leak.GetProperty("name").GetString());
        Assert.True(leak.GetProperty("excluded").GetBoolean());
        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{job.GetProperty("modelId").GetString()}");
        var dropped = Assert.Single(model.GetProperty("dropped").EnumerateArray(), d => d.GetProperty("reason").GetString() == "leak");
        Assert.Equal("Scrap code", dropped.GetProperty("name").GetString());
        Assert.Equal(1.0, dropped.GetProperty("score").GetDouble());
        Assert.StartsWith("whether it is filled in predicts Defect = 1 with precision 1.00", dropped.GetProperty("detail").GetString());
        Assert.DoesNotContain(model.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("name").GetString() == "Scrap code");
        Assert.Single(model.GetProperty("leaks").EnumerateArray());
    }

    [SkippableFact]
    public async Task StartingAJobWithOutOfRangeSettingsNamesEachField()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 50));

        var response = await Client.PostAsJsonAsync("/api/training-jobs", new
        {
            datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 0, learningRate = -1,
        });

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("epochs", out _));
        Assert.True(errors.TryGetProperty("learningRate", out _));
    }

    [SkippableFact]
    public async Task StartingAJobWithMalformedJsonIsABadRequest()
    {
        var response = await Client.PostAsync("/api/training-jobs", ApiClient.Json("{\"datasetId\": "));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task ATargetWithOneValueFailsTheJobWithAReason()
    {
        var csv = "x,y\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},1\n"));
        var dataset = await Client.UploadAsync(csv);

        var job = await Client.StartJobAsync(new { datasetId = dataset.GetProperty("id").GetString(), target = "y" });
        var finished = await Client.WaitForJobAsync(job.GetProperty("id").GetString()!);

        Assert.Equal("failed", finished.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(finished.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/ready")).StatusCode);
    }

    [SkippableFact]
    public async Task StartingARegressionJobOnThreeLabelledRowsIsABadRequestNamingTheTarget()
    {
        // 40 rows, of which only 3 have an efficiency: the dataset's profile already knows.
        var csv = "workers,efficiency\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{10 + i},{(i < 3 ? $"0.{i + 5}" : "")}\n"));
        var dataset = await Client.UploadAsync(csv);

        var response = await Client.PostAsJsonAsync("/api/training-jobs",
            new { datasetId = dataset.GetProperty("id").GetString(), target = "efficiency", task = "regression" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("target")[0].GetString();
        Assert.Contains("Only 3 rows", message);
        Assert.Contains("at least 20", message);
        var jobs = await Client.GetFromJsonAsync<JsonElement>("/api/training-jobs");
        Assert.Equal(0, jobs.GetProperty("items").GetArrayLength());
    }

    [SkippableFact]
    public async Task AClassWithASingleRowFailsTheJobWithAReasonNamingIt()
    {
        var csv = "x,grade\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 9},{(i == 17 ? "C" : i % 2 == 0 ? "A" : "B")}\n"));
        var dataset = await Client.UploadAsync(csv);

        var job = await Client.StartJobAsync(new { datasetId = dataset.GetProperty("id").GetString(), target = "grade", epochs = 2 });
        var finished = await Client.WaitForJobAsync(job.GetProperty("id").GetString()!);

        Assert.Equal("failed", finished.GetProperty("status").GetString());
        Assert.Contains("The class 'C' of 'grade' has 1 labelled row", finished.GetProperty("error").GetString());
    }

    [SkippableFact]
    public async Task CancelingAFinishedJobIsAConflict()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(rows: 100), "Defect", new { epochs = 2 });

        var response = await Client.PostAsync($"/api/training-jobs/{job.GetProperty("id").GetString()}/cancel", null);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [SkippableFact]
    public async Task CancelingARunningJobEndsItAsCanceled()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 2000));
        var job = await Client.StartJobAsync(new
        {
            datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 10000, earlyStoppingPatience = 0, batchSize = 1,
        });
        var id = job.GetProperty("id").GetString();

        var response = await Client.PostAsync($"/api/training-jobs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var finished = await Client.WaitForJobAsync(id!, TimeSpan.FromSeconds(30));
        Assert.Equal("canceled", finished.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("modelId").ValueKind);
    }

    [SkippableFact]
    public async Task AJobQueuedByTheFirstVersionStillTrainsAndShowsItsRequest()
    {
        var dataset = await Client.UploadAsync(TestData.DefectsCsv(rows: 200));
        var datasetId = Guid.Parse(dataset.GetProperty("id").GetString()!);
        // The first versions' row: the task and the engine's choices as text, and no ensembleSize, leakage or validation.
        var job = new TrainingJob
        {
            Id = Guid.NewGuid(), DatasetId = datasetId, Status = JobStatus.Queued, CreatedAt = DateTime.UtcNow,
            RequestJson = $$"""
                {"datasetId":"{{datasetId}}","target":"Defect","task":"auto","positiveClass":null,"features":null,
                "exclude":["Serial"],"hiddenLayers":[16],"activation":"leaky_relu","dropout":0,"optimizer":"adamw",
                "learningRate":0.001,"l2":0,"batchSize":32,"epochs":3,"earlyStoppingPatience":0,"validationFraction":0.2,
                "seed":42,"modelName":"from-the-first-version","falsePositiveCost":null,"falseNegativeCost":null}
                """,
        };
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            db.TrainingJobs.Add(job);
            await db.SaveChangesAsync();
        }
        Factory.Services.GetRequiredService<TrainingQueue>().Notify(job.Id);

        var finished = await Client.WaitForJobAsync(job.Id.ToString());

        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        var request = finished.GetProperty("request");
        Assert.Equal("leaky_relu", request.GetProperty("activation").GetString());
        Assert.Equal("adamw", request.GetProperty("optimizer").GetString());
        Assert.Equal("exclude", request.GetProperty("leakage").GetString());
        var model = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{finished.GetProperty("modelId").GetString()}");
        Assert.Equal("from-the-first-version", model.GetProperty("name").GetString());
    }

    [SkippableFact]
    public async Task GettingAnUnknownJobIsNotFoundProblem()
    {
        await (await Client.GetAsync($"/api/training-jobs/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"/api/training-jobs/{Guid.NewGuid()}/events")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class TrainingJobsApiTestsOnSqlite() : TrainingJobsApiTests(DatabaseProvider.Sqlite);

public sealed class TrainingJobsApiTestsOnPostgres() : TrainingJobsApiTests(DatabaseProvider.Postgres);
