using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DefectApi.Dashboard.Tests;

/// <summary>A deployment after go-live, as a quality engineer reads it: drift per input, live performance from the
/// outcomes reported back, champion against challenger, and the challenger set and removed from the page.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class DeploymentPageTests(Chromium chromium, MonitoredServiceHost service) : IClassFixture<MonitoredServiceHost>
{
    const int Parts = 36;
    static readonly string[] SerialKey = ["Serial"];
    static readonly string[] Statuses = ["ok", "watch", "alert", "no data", "not checked"];

    HttpClient Api => service.Service.Client;

    [ChromiumFact]
    public async Task TheDeploymentPageShowsDriftPerInputPerformanceOfBothModelsAndSetsAndRemovesTheChallenger()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 300), "line3")).GetProperty("id").GetString();
        var champion = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 10, ensembleSize = 1,
            hiddenLayers = new[] { 8 }, modelName = "line3", exclude = new[] { "Serial" }
        });
        var challenger = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 10, ensembleSize = 1,
            hiddenLayers = new[] { 4 }, modelName = "line3", exclude = new[] { "Serial" }, seed = 2
        });
        (await Api.PutAsJsonAsync("/api/deployments/line3", new { modelId = champion, shadowModelId = challenger, keyColumns = SerialKey }))
            .EnsureSuccessStatusCode();
        await PredictAndReportOutcomesAsync("line3", models: 2);

        await using var ui = await chromium.OpenAsync(service, "#/deployments");
        var page = ui.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "line3", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("#/deployments/line3$"));
        await ui.WaitUntilLoadedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Deployment line3");
        await Assertions.Expect(page.GetByTestId("challenger")).ToContainTextAsync("Challenger: line3 v2");

        // Every input of the champion has a row, a sparkline named for it and a status in words.
        var inputs = (await Api.GetFromJsonAsync<JsonElement>($"/api/models/{champion}")).GetProperty("inputs").EnumerateArray()
            .Select(input => input.GetProperty("name").GetString()!).ToArray();
        var drift = page.GetByTestId("drift-champion");
        await Assertions.Expect(drift.Locator("tbody tr[data-column]:not([data-column=''])")).ToHaveCountAsync(inputs.Length);
        foreach (var input in inputs)
        {
            var row = drift.Locator($"tr[data-column='{input}']");
            Assert.Contains(await row.Locator("td[data-status]").InnerTextAsync(), Statuses);
            await Assertions.Expect(row.GetByRole(AriaRole.Img, new() { Name = $"{input}: training and live shares by bin" }))
                .ToBeVisibleAsync();
        }
        await Assertions.Expect(page.GetByTestId("drift-challenger")).ToBeVisibleAsync();

        // The headline metric over time, champion and challenger as two series; the table has a row of each with every outcome.
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Live ROC AUC by hour" });
        await Assertions.Expect(chart.Locator("path.series")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("figure.chart-figure figcaption .key")).ToHaveTextAsync(["champion: line3 v1",
            "challenger: line3 v2"]);
        var buckets = page.GetByTestId("performance-buckets");
        foreach (var role in new[] { "champion", "challenger" })
            await Assertions.Expect(buckets.Locator($"tr[data-role='{role}'] td.num").Nth(1)).ToHaveTextAsync(Parts.ToString(
                CultureInfo.InvariantCulture));
        var sideBySide = page.GetByTestId("champion-challenger");
        await Assertions.Expect(sideBySide.GetByRole(AriaRole.Row, new() { Name = "With outcome" }).Locator("td"))
            .ToHaveTextAsync(["36", "36"]);
        await Assertions.Expect(sideBySide.Locator("td[data-metric='worstPsi']").First).ToHaveTextAsync(
            new Regex(@"^\d+\.\d{3} \(.+, (ok|watch|alert)\)$"));
        await ui.CheckAndCaptureAsync("22-deployment-monitoring");

        // Another range and bucket: the same traffic by day.
        await page.GetByLabel("Range", new() { Exact = true }).SelectOptionAsync("7d");
        await page.GetByLabel("Buckets").SelectOptionAsync("day");
        await Assertions.Expect(page.GetByTestId("monitoring")).ToHaveAttributeAsync("data-shown", "7d day");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Live ROC AUC by day" }).Locator("path.series"))
            .ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove the challenger" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex("^The challenger was removed"));
        await Assertions.Expect(page.GetByTestId("challenger")).ToHaveTextAsync(new Regex("^No challenger"));
        Assert.Equal(JsonValueKind.Null, (await DeploymentAsync("line3")).GetProperty("shadowModelId").ValueKind);
        Assert.Equal(champion, (await DeploymentAsync("line3")).GetProperty("modelId").GetString());

        await page.GetByLabel("Challenger model", new() { Exact = true }).SelectOptionAsync(challenger);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set as challenger" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("line3 v2 is now the challenger.");
        Assert.Equal(challenger, (await DeploymentAsync("line3")).GetProperty("shadowModelId").GetString());
        Assert.Equal(SerialKey, await KeyColumnsAsync("line3"));
        await ui.CheckAndCaptureAsync("23-deployment-challenger-set");

        // Moving the name from the deployments list keeps a challenger that can still challenge the model pointed at.
        await ui.GoAsync("#/deployments");
        var listed = page.GetByRole(AriaRole.Row, new() { Name = "line3" });
        await Assertions.Expect(listed.Locator("td").Nth(1)).ToHaveTextAsync("line3 v2");
        await listed.GetByRole(AriaRole.Button, new() { Name = "Point here" }).ClickAsync();
        await Assertions.Expect(page.Locator("#main").GetByText("\"line3\" now points at line3 v1.")).ToBeVisibleAsync();
        Assert.Equal(challenger, (await DeploymentAsync("line3")).GetProperty("shadowModelId").GetString());
        Assert.Equal(SerialKey, await KeyColumnsAsync("line3"));
        await page.GetByRole(AriaRole.Link, new() { Name = "line3", Exact = true }).ClickAsync();
        await ui.WaitUntilLoadedAsync();

        // A challenger deleted while the page was open: the API's refusal is shown with its reasons, beside the choice.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove the challenger" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("challenger")).ToHaveTextAsync(new Regex("^No challenger"));
        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/api/models/{challenger}")).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set as challenger" }).ClickAsync();
        var problem = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problem).ToContainTextAsync("Invalid deployment");
        await Assertions.Expect(problem).ToContainTextAsync($"There is no model with id '{challenger}'");
        await Assertions.Expect(page.GetByLabel("Challenger model", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await ui.CheckAndCaptureAsync("24-deployment-challenger-refused");
    }

    [ChromiumFact]
    public async Task ADeploymentWithoutTrafficSaysThereAreNoPredictionsInTheRange()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 200), "quiet")).GetProperty("id").GetString();
        var model = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 3, ensembleSize = 1, hiddenLayers = new[] { 4 },
            modelName = "quiet"
        });
        (await Api.PutAsJsonAsync("/api/deployments/quiet", new { modelId = model })).EnsureSuccessStatusCode();

        await using var ui = await chromium.OpenAsync(service, "#/deployments/quiet");
        var page = ui.Page;
        await Assertions.Expect(page.GetByTestId("performance-empty")).ToHaveTextAsync("No predictions in this range.");
        await Assertions.Expect(page.GetByTestId("drift-empty")).ToHaveTextAsync(new Regex("^No predictions in this range"));
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Champion and challenger" })).ToContainTextAsync(
            "No predictions in this range.");
        await Assertions.Expect(page.GetByTestId("challenger")).ToHaveTextAsync(new Regex("^No challenger"));
        await ui.CheckAndCaptureAsync("25-deployment-no-traffic");

        // A model stored before training profiles were kept answers drift with 409. No model made through the API today
        // lacks a profile, so the browser is handed the service's answer for one: the page says why, and shows the rest.
        await page.RouteAsync("**/api/deployments/quiet/drift?*", route => route.FulfillAsync(new()
        {
            Status = 409, ContentType = "application/problem+json",
            Body = JsonSerializer.Serialize(new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.10", title = "The model has no training profile", status = 409,
                detail = $"Model '{model}' was stored before training profiles were kept, so there is nothing to compare its traffic with.",
            }),
        }));
        await page.GetByLabel("Range", new() { Exact = true }).SelectOptionAsync("30d");
        await Assertions.Expect(page.GetByTestId("monitoring")).ToHaveAttributeAsync("data-shown", "30d hour");
        var unavailable = page.GetByTestId("drift-unavailable");
        await Assertions.Expect(unavailable).ToContainTextAsync("The model has no training profile");
        await Assertions.Expect(unavailable).ToContainTextAsync("was stored before training profiles were kept");
        await Assertions.Expect(page.GetByTestId("performance-empty")).ToHaveTextAsync("No predictions in this range.");
        await ui.CheckAndCaptureAsync("26-deployment-drift-unavailable");
    }

    [ChromiumFact]
    public async Task TheDeploymentPageShowsAndSetsTheKeyColumnsAndNoOtherChangeDropsThem()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 200, seed: 8), "keyed")).GetProperty("id").GetString();
        var model = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 3, ensembleSize = 1, hiddenLayers = new[] { 4 },
            modelName = "keyed", exclude = new[] { "Serial" }
        });
        (await Api.PutAsJsonAsync("/api/deployments/keyed", new { modelId = model })).EnsureSuccessStatusCode();

        await using var ui = await chromium.OpenAsync(service, "#/deployments/keyed");
        var page = ui.Page;
        var keys = page.GetByTestId("key-columns");
        await Assertions.Expect(keys).ToHaveTextAsync(new Regex("^No key columns"));

        // The champion's columns are offered, the serial it left out first; the target is no key.
        var offered = await page.Locator("datalist option").EvaluateAllAsync<string[]>("options => options.map(option => option.value)");
        Assert.Equal("Serial", offered[0]);
        Assert.Equal(["Serial", "Shift", "Speed [rpm]", "Temperature [C]"], offered.Order(StringComparer.Ordinal));

        // From the keyboard: a column typed (or picked from the offer), and Enter declares it.
        var keyColumn = page.GetByLabel("Key column", new() { Exact = true });
        await keyColumn.FillAsync("Serial");
        await keyColumn.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Serial is now a key column: outcomes can " +
            "be reported by it.");
        await Assertions.Expect(keys.Locator("li code")).ToHaveTextAsync(["Serial"]);
        Assert.Equal(SerialKey, await KeyColumnsAsync("keyed"));

        // Any column the records carry will do, not only the model's.
        string[] declared = ["Serial", "Lot ID", "Shift"];
        foreach (var key in declared[1..])
        {
            await page.GetByLabel("Another key column").FillAsync(key);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add key column" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{key} is now a key column: outcomes can " +
                "be reported by it.");
        }
        await Assertions.Expect(keys.Locator("li code")).ToHaveTextAsync(declared);
        Assert.Equal(declared, await KeyColumnsAsync("keyed"));
        var byLot = await Api.PostAsJsonAsync("/api/deployments/keyed/outcomes", new
        {
            keyColumn = "Lot ID",
            outcomes = new[] { new { key = "L-7", actual = "1" } }
        });
        Assert.Equal(HttpStatusCode.OK, byLot.StatusCode);
        await ui.CheckAndCaptureAsync("27-deployment-key-columns");

        // One key more than the service indexes: its refusal, in words, beside the field; the keys stay as they were.
        await page.GetByLabel("Another key column").FillAsync("Station");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add key column" }).ClickAsync();
        var problem = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problem).ToContainTextAsync("Invalid deployment");
        await Assertions.Expect(problem).ToContainTextAsync(new Regex(@"at most \d+ key columns"));
        await Assertions.Expect(page.GetByLabel("Another key column")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(declared, await KeyColumnsAsync("keyed"));
        await ui.CheckAndCaptureAsync("28-deployment-key-column-refused");

        // Moving the name from the deployments list, and deploying a model under it from the model's page, keep the keys.
        await ui.GoAsync("#/deployments");
        await page.GetByRole(AriaRole.Row, new() { Name = "keyed" }).GetByRole(AriaRole.Button, new() { Name = "Point here" }).ClickAsync();
        await Assertions.Expect(page.Locator("#main").GetByText("\"keyed\" now points at keyed v1.")).ToBeVisibleAsync();
        Assert.Equal(declared, await KeyColumnsAsync("keyed"));
        await ui.GoAsync($"#/models/{model}");
        await page.GetByLabel("Deployment name").FillAsync("keyed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("\"keyed\" now points at this model.")).ToBeVisibleAsync();
        Assert.Equal(declared, await KeyColumnsAsync("keyed"));

        // Removing them one by one, the last one too: then none is declared.
        await ui.GoAsync("#/deployments/keyed");
        for (var left = declared.Length - 1; left >= 0; left--)
        {
            var key = declared[left];
            await page.GetByRole(AriaRole.Button, new() { Name = $"Remove the key column {key}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{key} is no longer a key column: outcomes by it " +
                "are refused from now on.");
            Assert.Equal(declared[..left], await KeyColumnsAsync("keyed"));
        }
        await Assertions.Expect(keys).ToHaveTextAsync(new Regex("^No key columns"));
    }

    [ChromiumFact]
    public async Task TheThirtyDayRangeDrawsFromRollupsOnceTheRawLogIsGone()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 300, seed: 9), "rolled")).GetProperty("id").GetString();
        var model = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 10, ensembleSize = 1,
            hiddenLayers = new[] { 8 }, modelName = "rolled", exclude = new[] { "Serial" }
        });
        (await Api.PutAsJsonAsync("/api/deployments/rolled", new { modelId = model })).EnsureSuccessStatusCode();
        await PredictAndReportOutcomesAsync("rolled", models: 1);
        var logged = await ChampionOverThirtyDaysAsync("rolled");
        Assert.Equal((Parts, Parts), (logged.Predictions, logged.WithOutcome));

        // What retention (by age or PredictionLog:MaxRows) does to the raw log after a month, done at once to this
        // deployment's answers: they go with their joined outcomes, and only the rollups are left to draw from.
        const string rolledAnswers = "\"LoggedAnswers\" WHERE \"SegmentId\" IN (SELECT \"Id\" FROM \"LogSegments\" WHERE " +
            "\"DeploymentName\" = 'rolled')";
        await service.ExecuteSqlAsync($"DELETE FROM {rolledAnswers}; DELETE FROM \"LoggedOutcomes\" WHERE \"DeploymentName\" = " +
            "'rolled' AND \"Joined\";");
        Assert.Equal(0L, await service.ExecuteSqlAsync($"SELECT COUNT(*) FROM {rolledAnswers}"));
        Assert.Equal(logged, await ChampionOverThirtyDaysAsync("rolled"));

        await using var ui = await chromium.OpenAsync(service, "#/deployments/rolled");
        var page = ui.Page;
        await page.GetByLabel("Range", new() { Exact = true }).SelectOptionAsync("30d");
        await page.GetByLabel("Buckets").SelectOptionAsync("day");
        await Assertions.Expect(page.GetByTestId("monitoring")).ToHaveAttributeAsync("data-shown", "30d day");
        var sideBySide = page.GetByTestId("champion-challenger");
        await Assertions.Expect(sideBySide.GetByRole(AriaRole.Row, new() { Name = "Predictions" }).Locator("td")).ToHaveTextAsync(["36"]);
        await Assertions.Expect(sideBySide.GetByRole(AriaRole.Row, new() { Name = "With outcome" }).Locator("td")).ToHaveTextAsync(["36"]);
        var auc = double.Parse(await sideBySide.Locator("td[data-metric='auc']").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(logged.Auc, auc, 0.0005);
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Live ROC AUC by day" });
        await Assertions.Expect(chart.Locator("path.series")).ToHaveCountAsync(1);
        var champion = page.GetByTestId("performance-buckets").Locator("tr[data-role='champion'] td.num");
        await Assertions.Expect(champion.Nth(0)).ToHaveTextAsync("36");
        await Assertions.Expect(champion.Nth(1)).ToHaveTextAsync("36");
        await ui.CheckAndCaptureAsync("29-deployment-30-days-from-rollups");
    }

    /// <summary>The champion's answers, answers with an outcome and live AUC over the last 30 days, as the API reports them.</summary>
    async Task<(int Predictions, int WithOutcome, double Auc)> ChampionOverThirtyDaysAsync(string deployment)
    {
        var to = DateTime.UtcNow;
        var query = $"from={to.AddDays(-30):O}&to={to:O}&bucket=day";
        var performance = await Api.GetFromJsonAsync<JsonElement>($"/api/deployments/{deployment}/performance?{query}");
        var bucket = Assert.Single(performance.GetProperty("buckets").EnumerateArray());
        return (bucket.GetProperty("predictions").GetInt32(), bucket.GetProperty("withOutcome").GetInt32(),
            bucket.GetProperty("metrics").GetProperty("auc").GetDouble());
    }

    /// <summary>Scores parts through the deployment as an MES would, waits until the log holds the answers of each of
    /// its models (champion, and shadow if any), then reports what really happened to each part.</summary>
    async Task PredictAndReportOutcomesAsync(string deployment, int models)
    {
        var lines = TestData.DefectsCsv(rows: Parts, seed: 21).Trim().Split('\n');
        var header = lines[0].Split(',');
        var records = lines[1..].Select(line => line.Split(',')).ToList();
        var body = new
        {
            records = records.Select(cells => new Dictionary<string, object>
            {
                [header[0]] = cells[0], [header[1]] = cells[1],
                [header[2]] = double.Parse(cells[2], CultureInfo.InvariantCulture), [header[3]] = double.Parse(cells[3],
                    CultureInfo.InvariantCulture),
            }),
        };
        var response = await Api.PostAsJsonAsync($"/api/deployments/{deployment}/predict", body);
        response.EnsureSuccessStatusCode();
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("predictionId").GetString()!).ToList();
        Assert.Equal(Parts, ids.Count);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await LoggedAsync(deployment) < models * Parts)
        {
            Assert.True(DateTime.UtcNow < deadline, "The prediction log was not written within 30 s.");
            await Task.Delay(100);
        }
        var outcomes = new { outcomes = ids.Select((id, i) => new { predictionId = id, actual = records[i][4] }) };
        var answer = await (await Api.PostAsJsonAsync($"/api/deployments/{deployment}/outcomes", outcomes))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Parts, answer.GetProperty("matched").GetInt32());
        Assert.Equal(0, answer.GetProperty("pending").GetArrayLength());
    }

    /// <summary>Logged answers of the deployment in the last day, champion and shadow counted.</summary>
    async Task<int> LoggedAsync(string deployment)
    {
        var performance = await Api.GetFromJsonAsync<JsonElement>($"/api/deployments/{deployment}/performance?bucket=day");
        return performance.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("predictions").GetInt32());
    }

    Task<JsonElement> DeploymentAsync(string name) => Api.GetFromJsonAsync<JsonElement>($"/api/deployments/{name}");

    async Task<string[]> KeyColumnsAsync(string name) =>
        (await DeploymentAsync(name)).GetProperty("keyColumns").EnumerateArray().Select(key => key.GetString()!).ToArray();

    async Task<string> TrainAsync(object request)
    {
        var job = await Api.StartJobAsync(request);
        var finished = await Api.WaitForJobAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        return finished.GetProperty("modelId").GetString()!;
    }
}
