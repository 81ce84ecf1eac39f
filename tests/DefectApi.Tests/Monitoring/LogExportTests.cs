using System.Globalization;

namespace DefectApi.Tests.Monitoring;

/// <summary>The log is training data: …/log streams what the line sent with what the model said and what really
/// happened, and …/dataset stores that as a dataset to retrain on.
/// Runs on both providers: <see cref="LogExportTestsOnSqlite"/> and <see cref="LogExportTestsOnPostgres"/>.</summary>
public abstract class LogExportTests(DatabaseProvider provider) : DeploymentMonitoringSuite(provider)
{
    const string PartsHeader = "Serial,Shift,Temperature [C],Speed [rpm]";

    static string PartsCsv(IEnumerable<Part> parts) =>
        PartsHeader + "\n" + string.Concat(parts.Select(p => FormattableString.Invariant(
            $"{p.Serial},{p.Shift},{p.Temperature},{p.Speed}\n")));

    static string Instant(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));

    async Task<CsvTable> PredictCsvAsync(string deployment, string csv)
    {
        var response = await Client.PostAsync($"/api/deployments/{deployment}/predict", Csv(csv));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return CsvTable.Parse(body);
    }

    /// <summary>POST …/dataset, which must answer 201 with a Location; the stored dataset found there.</summary>
    async Task<JsonElement> MakeDatasetAsync(string deployment, DateTimeOffset from, DateTimeOffset to)
    {
        var response = await Client.PostAsJsonAsync($"/api/deployments/{deployment}/dataset", new { from, to, withOutcomesOnly = true });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.NotNull(response.Headers.Location);
        return await Client.GetFromJsonAsync<JsonElement>(response.Headers.Location);
    }

    /// <summary>Every row of a stored dataset, each as column name → cell.</summary>
    async Task<List<Dictionary<string, JsonElement>>> DatasetRowsAsync(JsonElement dataset)
    {
        var rows = new List<Dictionary<string, JsonElement>>();
        long total = dataset.GetProperty("rowCount").GetInt64();
        for (int offset = 0; offset < total; offset += 1000)
        {
            var page = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{dataset.GetProperty("id").GetString()}/" +
                $"rows?offset={offset}&limit=1000");
            var columns = page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            foreach (var row in page.GetProperty("rows").EnumerateArray())
                rows.Add(columns.Zip(row.EnumerateArray()).ToDictionary(c => c.First, c => c.Second));
        }
        return rows;
    }

    /// <summary>A 0/1 target cell as the upload typed it: a number, a boolean or a text.</summary>
    static bool IsOne(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Number => cell.GetDouble() == 1,
        JsonValueKind.True => true,
        JsonValueKind.String => cell.GetString() is "1" or "true",
        _ => false,
    };

    [SkippableFact]
    public async Task TheLogStreamsTheRecordsOfARangeAsSentThenPredictionModelTimeAndActual()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId });
        List<Part> earlier = LineParts.Spread(3, seed: 1), later = LineParts.Spread(4, seed: 2);
        await PredictCsvAsync("line3", PartsCsv(earlier));
        await FlushAsync();
        Clock.Advance(TimeSpan.FromHours(2));
        var sentAt = Clock.GetUtcNow();
        var answers = await PredictCsvAsync("line3", PartsCsv(later));
        var answeredAt = Clock.GetUtcNow();
        await FlushAsync();
        var ids = answers.Cells("predictionId").ToArray();
        await PostOutcomesAsync("line3", new
        {
            outcomes = new[] { new { predictionId = ids[0], actual = later[0].Actual },
            new { predictionId = ids[1], actual = later[1].Actual } }
        });

        var log = await LogAsync("line3", $"?from={Instant(sentAt.AddHours(-1))}&to={Instant(answeredAt.AddHours(1))}");
        var everything = await LogAsync("line3");

        Assert.Equal([.. PartsHeader.Split(','), "prediction", "modelId", "loggedAt", "actual"], log.Header);
        Assert.Equal(7, everything.Rows.Count);
        var rowOf = log.Rows.ToDictionary(r => r[0]);
        Assert.Equal(later.Select(p => p.Serial).Order(), rowOf.Keys.Order());
        for (int i = 0; i < later.Count; i++)
        {
            var row = rowOf[later[i].Serial];
            var sent = PartsCsv([later[i]]).Split('\n')[1].Split(',');
            Assert.Equal(sent, row[..4]);
            Assert.Equal((answers.Cells("label").ElementAt(i), modelId), (row[4], row[5]));
            var loggedAt = DateTimeOffset.Parse(row[6], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(loggedAt, sentAt.AddMilliseconds(-1), answeredAt);
            Assert.Equal(i < 2 ? later[i].Actual : "", row[7]);
        }
    }

    [SkippableFact]
    public async Task ADatasetFromTheLogHoldsTheRecordsWithOutcomesUnderTheModelsTargetName()
    {
        var modelId = await TrainDefectModelAsync();
        await DeployAsync("line3", new { modelId, keyColumns = new[] { "Serial" } });
        var parts = LineParts.Spread(6);
        await PredictThroughAsync("line3", parts);
        await FlushAsync();
        await PostOutcomesBySerialAsync("line3", parts.Take(4));

        var dataset = await MakeDatasetAsync("line3", Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddHours(1));
        var rows = await DatasetRowsAsync(dataset);

        Assert.Equal(4, dataset.GetProperty("rowCount").GetInt64());
        Assert.Subset(dataset.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet(),
            new HashSet<string> { "Serial", "Shift", "Temperature [C]", "Speed [rpm]", "Defect" });
        Assert.Equal(parts.Take(4).ToDictionary(p => p.Serial, p => p.Defective),
            rows.ToDictionary(r => r["Serial"].GetString()!, r => IsOne(r["Defect"])));
        Assert.Equal(parts.Take(4).ToDictionary(p => p.Serial, p => p.Temperature),
            rows.ToDictionary(r => r["Serial"].GetString()!, r => r["Temperature [C]"].GetDouble()));
    }

    [SkippableFact]
    public async Task TheAi4iTestSplitsLiveFiguresAreExactAndAModelTrainedOnItsLogHasTheColumnsOfTheOriginal()
    {
        var options = new { exclude = ProcessData.Ai4iExcluded, epochs = 3, ensembleSize = 1 };
        var original = (await Client.TrainAsync(File.ReadAllText(Shared.SampleSplits.Path("ai4i2020.train.csv")),
            "Machine failure", options))
            .GetProperty("modelId").GetString()!;
        await DeployAsync("ai4i", new { modelId = original, keyColumns = new[] { "Product ID" } });
        var test = CsvTable.Parse(File.ReadAllText(Shared.SampleSplits.Path("ai4i2020.test.csv")));
        int failureAt = test.Column("Machine failure");
        // The line sends what it knows when it asks: everything but the failure, which it reports later.
        var sent = new StringBuilder(string.Join(',', test.Header.Where((_, c) => c != failureAt))).Append('\n');
        foreach (var row in test.Rows) sent.Append(string.Join(',', row.Where((_, c) => c != failureAt))).Append('\n');
        var answers = await PredictCsvAsync("ai4i", sent.ToString());
        await FlushAsync();
        var reported = test.Rows.Take(1500).ToList();
        var outcomes = new StringBuilder("Product ID,actual\n");
        foreach (var row in reported) outcomes.Append($"{row[test.Column("Product ID")]},{row[failureAt]}\n");
        var joined = await Client.PostAsync("/api/deployments/ai4i/outcomes?keyColumn=Product%20ID", Csv(outcomes.ToString()));
        Assert.Equal(1500, (await joined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matched").GetInt32());
        // Live figures on a real line's answers, AUC included, are those computed from the answers and outcomes.
        var judged = answers.Rows.Take(1500).Select((a, i) => new Judged(double.Parse(a[answers.Column("probability")],
            CultureInfo.InvariantCulture),
            a[answers.Column("defect")] == "true", reported[i][failureAt] == "1")).ToList();
        HandFigures.AssertBucket(BucketOf(await BucketsAsync("ai4i"), original), 2000, judged);

        var dataset = await MakeDatasetAsync("ai4i", Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddHours(1));
        var job = await Client.StartJobAsync(new
        {
            datasetId = dataset.GetProperty("id").GetString(), target = "Machine failure", hiddenLayers = new[] { 16 },
            learningRate = 0.01, seed = 1, options.exclude, options.epochs, options.ensembleSize,
        });
        var retrained = await Client.WaitForJobAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", retrained.GetProperty("status").GetString());

        var inputs = async (string id) => (await Client.GetFromJsonAsync<JsonElement>($"/api/models/{id}")).GetProperty("inputs")
            .EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("type").GetString())).ToList();
        Assert.Equal(await inputs(original), await inputs(retrained.GetProperty("modelId").GetString()!));
        Assert.Equal(1500, dataset.GetProperty("rowCount").GetInt64());
        Assert.Subset(dataset.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet(),
            test.Header.ToHashSet());
        var rows = (await DatasetRowsAsync(dataset)).ToDictionary(r => r["Product ID"].GetString()!);
        foreach (var row in reported)
        {
            var stored = rows[row[test.Column("Product ID")]];
            Assert.Equal(row[failureAt] == "1", IsOne(stored["Machine failure"]));
            Assert.Equal(double.Parse(row[test.Column("Torque [Nm]")], CultureInfo.InvariantCulture), stored["Torque [Nm]"].GetDouble());
        }
    }
}

public sealed class LogExportTestsOnSqlite() : LogExportTests(DatabaseProvider.Sqlite);

public sealed class LogExportTestsOnPostgres() : LogExportTests(DatabaseProvider.Postgres);
