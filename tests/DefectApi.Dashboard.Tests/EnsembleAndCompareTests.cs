using System.Net.Http.Json;
using System.Text.Json;

namespace DefectApi.Dashboard.Tests;

/// <summary>What a plant engineer reads after training several models: jobs started together told apart, an ensemble's
/// progress and history member by member, and a retrained model against its previous version.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class EnsembleAndCompareTests(Chromium chromium, ServiceHost service) : IClassFixture<ServiceHost>
{
    HttpClient Api => service.Service.Client;

    [ChromiumFact]
    public async Task JobsStartedTogetherHaveShortIdsThatDifferAndTheSameProgressWordsInListAndPage()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 300), "together")).GetProperty("id").GetString();
        var jobs = new List<string>();
        for (int i = 0; i < 3; i++)
            jobs.Add((await Api.StartJobAsync(new
            {
                datasetId = dataset, target = "Defect", epochs = 4, ensembleSize = 3,
                hiddenLayers = new[] { 8 }, modelName = "together"
            }))
                .GetProperty("id").GetString()!);
        foreach (var job in jobs) await Api.WaitForJobAsync(job);

        await using var ui = await chromium.OpenAsync(service, "#/jobs");
        var page = ui.Page;
        // UUID v7 ids made within a minute share their first digits; the list shows the random tail, the full id on hover.
        var shown = new List<string>();
        foreach (var job in jobs)
        {
            var link = page.Locator($"a[data-id='{job}']");
            await Assertions.Expect(link).ToHaveTextAsync($"together · {job.Replace("-", "")[^8..]}");
            await Assertions.Expect(link).ToHaveAttributeAsync("title", $"together, id {job}");
            shown.Add((await link.TextContentAsync())!);
        }
        Assert.Equal(3, shown.Distinct().Count());
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator($"a[data-id='{jobs[0]}']") });
        await Assertions.Expect(row.GetByTestId("job-progress")).ToHaveTextAsync("3 of 3 members trained");
        await ui.CheckAndCaptureAsync("14-jobs-short-ids");

        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.Locator($"a[data-id='{jobs[0]}']").ClickAsync();
        await ui.WaitUntilLoadedAsync();
        await Assertions.Expect(page.GetByTestId("progress")).ToHaveTextAsync("3 of 3 members trained");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Copy id {jobs[0]}" }).ClickAsync();
        Assert.Equal(jobs[0], await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        // The finished job's chart: each of the 3 members on its own epoch axis (1 to 4), not one run of 12 epochs.
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Loss by epoch" });
        await Assertions.Expect(chart).ToHaveAccessibleDescriptionAsync(new Regex("^3 members, each from epoch 1: member 1 ran 4 epochs"));
        await ui.CheckAndCaptureAsync("15-job-finished-members");
    }

    [ChromiumFact]
    public async Task ARunningJobSaysWhichMembersTrainAtWhichEpochAndTheTimeLeft()
    {
        var dataset = (await Api.UploadAsync(TestData.EfficiencyCsv(rows: 2000), "long")).GetProperty("id").GetString();
        var job = (await Api.StartJobAsync(new
        {
            datasetId = dataset, target = "efficiency", epochs = 5000, earlyStoppingPatience = 5000, ensembleSize = 4,
            hiddenLayers = new[] { 64, 64 },
        })).GetProperty("id").GetString()!;
        try
        {
            await using var ui = await chromium.OpenAsync(service, $"#/jobs/{job}");
            var running = new Regex(@"^\d of 4 members done · member \d of 4 at epoch \d+ of 5000(, member \d at epoch \d+)* · " +
                @"at most .+ left$");
            await Assertions.Expect(ui.Page.GetByTestId("progress")).ToHaveTextAsync(running, new() { Timeout = 60_000 });
            await ui.CheckAndCaptureAsync("16-job-running-members");

            await ui.GoAsync("#/jobs");
            await Assertions.Expect(ui.Page.GetByTestId("job-progress").First).ToHaveTextAsync(running);
        }
        finally
        {
            await Api.PostAsync($"/api/training-jobs/{job}/cancel", null);
            await Api.WaitForJobAsync(job);
        }
    }

    [ChromiumFact]
    public async Task AModelsHistoryShowsEachMemberAndItComparesWithThePreviousVersion()
    {
        var dataset = (await Api.UploadAsync(TestData.DefectsCsv(rows: 400), "versions")).GetProperty("id").GetString();
        var v1 = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 15, earlyStoppingPatience = 0, ensembleSize = 3,
            modelName = "versions", hiddenLayers = new[] { 16 }
        });
        var v2 = await TrainAsync(new
        {
            datasetId = dataset, target = "Defect", epochs = 15, earlyStoppingPatience = 0, ensembleSize = 3, modelName = "versions",
            hiddenLayers = new[] { 8 }, exclude = new[] { "Serial", "Shift" },
        });

        await using var ui = await chromium.OpenAsync(service, $"#/models/{v2}");
        var page = ui.Page;
        // Training and validation loss of each of 3 members, and their two means; each member's kept epoch ringed.
        var loss = page.GetByRole(AriaRole.Img, new() { Name = "Loss by epoch" });
        await Assertions.Expect(loss.Locator("path.series")).ToHaveCountAsync(8);
        await Assertions.Expect(loss.Locator("circle.marker")).ToHaveCountAsync(3);
        var members = page.GetByTestId("members").Locator("tbody tr");
        await Assertions.Expect(members).ToHaveCountAsync(3);
        var stored = await Api.GetFromJsonAsync<JsonElement>($"/api/models/{v2}");
        var kept = stored.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("chosen").GetBoolean()).ToList();
        for (int m = 0; m < 3; m++)
            await Assertions.Expect(members.Nth(m).Locator("td").Nth(1)).ToHaveTextAsync(kept[m].GetProperty("memberEpoch").GetInt32()
                .ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Validation AUC by epoch of each member" })).ToBeVisibleAsync();
        await ui.CheckAndCaptureAsync("17-model-member-history");

        await page.GetByRole(AriaRole.Link, new() { Name = "Compare with the previous version (v1)" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"#/compare/{v1},{v2}$"));
        await ui.WaitUntilLoadedAsync();
        var metrics = page.GetByTestId("compare-metrics");
        await Assertions.Expect(metrics.Locator("thead th")).ToHaveTextAsync(["Metric", "versions v1", "versions v2"]);
        await Assertions.Expect(metrics.GetByRole(AriaRole.Row, new() { Name = "ROC AUC" })).ToContainTextAsync("best");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "ROC curves" }).Locator("path.series")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Precision-recall curves" }).Locator("path.series"))
            .ToHaveCountAsync(2);
        var shift = page.GetByTestId("compare-inputs").GetByRole(AriaRole.Row, new() { Name = "Shift" });
        await Assertions.Expect(shift.Locator("td")).ToHaveTextAsync(["categorical", "not an input"]);
        var settings = page.GetByTestId("compare-settings");
        await Assertions.Expect(settings.GetByRole(AriaRole.Row, new() { Name = "hiddenLayers" }).Locator("td"))
            .ToHaveTextAsync(["16", "8"]);
        await ui.CheckAndCaptureAsync("18-compare-versions");

        // Choosing by hand: one model is not a comparison; two of one target are.
        await ui.GoAsync("#/compare");
        var picker = page.GetByRole(AriaRole.Group, new() { Name = "Defect (binary)" });
        await picker.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^ ?versions v1") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Choose at least two models.");
        await picker.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^ ?versions v2") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"#/compare/{v1},{v2}$"));
        await ui.WaitUntilLoadedAsync();
        await ui.CheckAndCaptureAsync("19-compare-picker-result");
    }

    [ChromiumFact]
    public async Task RegressionModelsCompareTheirPredictionsAgainstActualOnOneChart()
    {
        var dataset = (await Api.UploadAsync(TestData.EfficiencyCsv(rows: 300), "efficiency")).GetProperty("id").GetString();
        var first = await TrainAsync(new
        {
            datasetId = dataset, target = "efficiency", epochs = 40, ensembleSize = 2,
            modelName = "efficiency"
        });
        var second = await TrainAsync(new
        {
            datasetId = dataset, target = "efficiency", epochs = 5, ensembleSize = 2,
            modelName = "efficiency"
        });

        await using var ui = await chromium.OpenAsync(service, $"#/compare/{first},{second}");
        var scatter = ui.Page.GetByRole(AriaRole.Img, new() { Name = "Predicted against actual efficiency" });
        await Assertions.Expect(scatter.Locator("g.series-a circle").First).ToBeVisibleAsync();
        Assert.True(await scatter.Locator("g.series-b circle").CountAsync() > 10);
        await Assertions.Expect(ui.Page.GetByTestId("compare-metrics").GetByRole(AriaRole.Row, new() { Name = "RMSE" }))
            .ToContainTextAsync("best");
        await Assertions.Expect(ui.Page.GetByTestId("inputs-same")).ToBeVisibleAsync();
        await ui.CheckAndCaptureAsync("20-compare-regression");
    }

    [ChromiumFact]
    public async Task MulticlassModelsCompareTheirConfusionMatricesAndModelsOfOtherTargetsAreRefused()
    {
        var dataset = (await Api.UploadAsync(TestData.SurfaceDefectsCsv(), "surface")).GetProperty("id").GetString();
        var first = await TrainAsync(new { datasetId = dataset, target = "class", epochs = 20, ensembleSize = 2, modelName = "surface" });
        var second = await TrainAsync(new
        {
            datasetId = dataset, target = "class", epochs = 20, ensembleSize = 2, modelName = "surface",
            exclude = new[] { "line" }
        });
        var other = await TrainAsync(new
        {
            datasetId = dataset, target = "height", epochs = 3, ensembleSize = 1,
            modelName = "surface-height"
        });

        await using var ui = await chromium.OpenAsync(service, $"#/compare/{first},{second}");
        var matrices = ui.Page.GetByRole(AriaRole.Region, new() { Name = "Confusion matrices" }).Locator("table.confusion caption");
        await Assertions.Expect(matrices).ToHaveTextAsync(new Regex[] { new("^surface v1: "), new("^surface v2: ") });
        await Assertions.Expect(ui.Page.GetByTestId("compare-inputs").GetByRole(AriaRole.Row, new() { Name = "line" }).Locator("td"))
            .ToHaveTextAsync(["categorical", "not an input"]);
        await ui.CheckAndCaptureAsync("21-compare-multiclass");

        await ui.GoAsync($"#/compare/{first},{other}");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert).First).ToContainTextAsync("These models predict different things");
        await Assertions.Expect(ui.Page.GetByTestId("compare-metrics")).ToHaveCountAsync(0);
    }

    async Task<string> TrainAsync(object request)
    {
        var job = await Api.StartJobAsync(request);
        var finished = await Api.WaitForJobAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        return finished.GetProperty("modelId").GetString()!;
    }
}
