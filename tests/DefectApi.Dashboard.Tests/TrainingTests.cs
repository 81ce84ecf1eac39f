namespace DefectApi.Dashboard.Tests;

/// <summary>Training from the dataset page beyond the happy path: a form error the service reports, a regression
/// model's page, and ending long runs early ("stop, keep best" keeps a model, "cancel" does not).</summary>
[Collection(ChromiumCollection.Name)]
public sealed class TrainingTests(Chromium chromium, ServiceHost service) : IClassFixture<ServiceHost>
{
    [ChromiumFact]
    public async Task AFieldTheServiceRejectsIsMarkedBesideItsInput()
    {
        await using var ui = await chromium.OpenAsync(service);
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 100));

        await ui.StartTrainingAsync("efficiency", epochs: 0);

        var epochs = ui.Page.GetByLabel("Epochs", new() { Exact = true });
        await Assertions.Expect(epochs).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid training request");
        await Assertions.Expect(ui.Page.Locator("main .field-error")).ToContainTextAsync("epochs");
        Assert.Contains("#/datasets/", ui.Page.Url);
        await ui.CheckAndCaptureAsync("10-form-problem");
    }

    [ChromiumFact]
    public async Task ARegressionModelShowsItsFitAndPredictsAValue()
    {
        await using var ui = await chromium.OpenAsync(service);
        var page = ui.Page;
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 300));
        await ui.TrainAsync("efficiency", epochs: 60);
        await ui.OpenTrainedModelAsync();

        await Assertions.Expect(page.Locator("[data-metric=r2]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Slider)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Loss by epoch" })).ToBeVisibleAsync();
        // The service's validation pairs (validationPredictions), drawn against the diagonal.
        var scatter = page.GetByRole(AriaRole.Img, new() { Name = "Predicted against actual efficiency" });
        await Assertions.Expect(scatter).ToHaveAccessibleDescriptionAsync(new Regex("^\\d+ validation records"));
        Assert.True(await scatter.Locator("circle").CountAsync() > 10);

        await page.GetByLabel("workers").FillAsync("40");
        await page.GetByLabel("smv").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();
        var value = double.Parse((await page.GetByTestId("value").TextContentAsync())!, CultureInfo.InvariantCulture);
        Assert.InRange(value, 0.55, 0.75); // 0.5 + 0.004·40 − 0.002·0 = 0.66
        await ui.CheckAndCaptureAsync("11-regression-model");
    }

    [ChromiumFact]
    public async Task StopKeepBestEndsALongRunWithAModelAndCancelEndsOneWithout()
    {
        await using var ui = await chromium.OpenAsync(service);
        var page = ui.Page;
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 2000));
        var dataset = new Uri(page.Url).Fragment;

        await StartLongRunAsync(ui);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop, keep best" }).ClickAsync();
        await Assertions.Expect(page.Locator(".outcome")).ToContainTextAsync("Training finished", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the model" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop, keep best" })).ToBeDisabledAsync();

        await ui.GoAsync(dataset);
        await StartLongRunAsync(ui);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator(".job-status")).ToContainTextAsync("canceled", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Open the model") })).ToHaveCountAsync(0);
        await ui.CheckAndCaptureAsync("13-training-canceled");
    }

    /// <summary>A run far longer than the test: many epochs, no early stopping; returns once a few epochs are drawn.</summary>
    static async Task StartLongRunAsync(DashboardPage ui)
    {
        await ui.TrainAsync("efficiency", epochs: 5000, hiddenLayers: "64, 64", patience: 5000);
        await ui.Page.WaitForFunctionAsync("() => (document.querySelector('.chart-holder path.series')?.getAttribute('d') ?? " +
            "'').split('L').length >= 3",
            null, new() { Timeout = 30_000 });
        await Assertions.Expect(ui.Page.GetByTestId("epoch")).ToHaveTextAsync(new Regex(@"^\d+ of \d+$"));
    }
}
