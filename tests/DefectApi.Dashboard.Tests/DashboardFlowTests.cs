using System.Net.Http.Json;
using System.Text.Json;

namespace DefectApi.Dashboard.Tests;

/// <summary>What a quality engineer does on a first visit, in a real browser against the real service: upload an
/// export, train, watch it learn, tune the threshold, try a part, deploy. Every page is checked with axe and kept as a
/// screenshot.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardFlowTests(Chromium chromium, ServiceHost service) : IClassFixture<ServiceHost>
{
    [ChromiumFact]
    public async Task UploadTrainTuneThresholdPredictAndDeployInTheBrowser()
    {
        await using var ui = await chromium.OpenAsync(service);
        var page = ui.Page;
        await CheckEmptyPagesAsync(ui);

        // Upload through the file picker (the drop zone's input): the page opens the new dataset's schema.
        await ui.UploadAsync("line3.csv", TestData.DefectsCsv(rows: 400));
        var schema = page.GetByRole(AriaRole.Region, new() { Name = "Schema" });
        var temperature = schema.GetByRole(AriaRole.Row, new() { Name = "Temperature [C]" });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "line3", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(temperature).ToContainTextAsync("numeric");
        await Assertions.Expect(temperature).ToContainTextAsync("min");
        await Assertions.Expect(schema.GetByRole(AriaRole.Row, new() { Name = "Shift" })).ToContainTextAsync("early");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "First rows" }).GetByRole(AriaRole.Row))
            .ToHaveCountAsync(11);
        await ui.CheckAndCaptureAsync("02-dataset-schema");

        // Train with small settings; the job page follows it live and draws the loss curves.
        await ui.TrainAsync("Defect", epochs: 40);
        await page.WaitForFunctionAsync("() => (document.querySelector('.chart-holder path.series')?.getAttribute('d') ?? " +
            "'').split('L').length >= 3",
            null, new() { Timeout = 60_000 });
        // The counter runs over the whole ensemble (each network up to 40 epochs).
        await Assertions.Expect(page.GetByTestId("epoch")).ToHaveTextAsync(new Regex(@"^\d+ of \d+$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the model" })).ToBeVisibleAsync(
            new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeDisabledAsync();
        await ui.CheckAndCaptureAsync("03-training-job");

        // The model: metrics, curves, and the threshold slider reading the stored table.
        await ui.OpenTrainedModelAsync();
        await Assertions.Expect(page.Locator("[data-metric=auc]")).ToHaveTextAsync(new Regex(@"^0\.\d+$|^1$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "ROC curve" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Precision-recall curve" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Loss by epoch" })).ToBeVisibleAsync();

        var slider = page.GetByRole(AriaRole.Slider, new() { Name = "Decision threshold" });
        var threshold = page.Locator("[data-value=threshold]");
        var recall = page.Locator("[data-value=recall]");
        var atSaved = await threshold.TextContentAsync();
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Assertions.Expect(threshold).Not.ToHaveTextAsync(atSaved!);
        await Assertions.Expect(recall).ToHaveTextAsync("100.0 %");
        var lowest = await threshold.TextContentAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(threshold).Not.ToHaveTextAsync(lowest!);
        var costAtHighest = await page.Locator("[data-value=cost]").TextContentAsync();
        await page.GetByLabel("Cost of a missed defect").FillAsync("50");
        await Assertions.Expect(page.Locator("[data-value=cost]")).Not.ToHaveTextAsync(costAtHighest!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Move to the lowest cost" }).ClickAsync();
        var chosen = double.Parse((await threshold.TextContentAsync())!, CultureInfo.InvariantCulture);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save threshold" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Saved: predictions now use threshold")).ToBeVisibleAsync();
        Assert.InRange(chosen, 0, 1);

        // Try a part that is hot and fast: the model calls it a defect.
        await page.GetByLabel("Shift").SelectOptionAsync("early");
        await page.GetByLabel("Temperature [C]").FillAsync("98");
        await page.GetByLabel("Speed [rpm]").FillAsync("1950");
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("probability")).ToHaveTextAsync(new Regex(@"^\d+\.\d %$"));
        var probability = double.Parse((await page.GetByTestId("probability").TextContentAsync())!.TrimEnd(' ', '%'),
            CultureInfo.InvariantCulture);
        Assert.True(probability > 50, $"probability {probability} %");
        await ui.CheckAndCaptureAsync("04-model");

        // Deploy it under a stable name, then see the name on the deployments page.
        await page.GetByLabel("Deployment name").FillAsync("line3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("\"line3\" now points at this model.")).ToBeVisibleAsync();
        var modelId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // A retrained model (v2, trained through the API) takes over the name: roll forward from the deployments page.
        var first = await service.Service.Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}");
        var retrain = await service.Service.Client.StartJobAsync(new
        {
            datasetId = first.GetProperty("datasetId").GetString(), target = "Defect", epochs = 10, hiddenLayers = new[] { 8 },
        });
        Assert.Equal("succeeded", (await service.Service.Client.WaitForJobAsync(retrain.GetProperty("id").GetString()!))
            .GetProperty("status").GetString());
        await ui.GoAsync("#/deployments");
        var line3 = page.GetByRole(AriaRole.Row, new() { Name = "line3" });
        await Assertions.Expect(line3).ToContainTextAsync("v1");
        await line3.GetByLabel("Model for line3").SelectOptionAsync(new SelectOptionValue { Label = "line3 v2 (binary, Defect)" });
        await line3.GetByRole(AriaRole.Button, new() { Name = "Point here" }).ClickAsync();
        await Assertions.Expect(page.GetByText("\"line3\" now points at line3 v2.").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "line3" })).ToContainTextAsync("line3 v2");
        await ui.CheckAndCaptureAsync("05-deployments");

        foreach (var (route, name) in new[] { ("#/datasets", "06-datasets"), ("#/jobs", "07-jobs"), ("#/models", "08-models") })
        {
            await ui.GoAsync(route);
            await ui.CheckAndCaptureAsync(name);
        }
    }

    [ChromiumFact]
    public async Task AnUnreadableCsvShowsTheServicesProblemAndStaysOnTheUploadPage()
    {
        await using var ui = await chromium.OpenAsync(service);
        await ui.ChooseFileAsync("ragged.csv", "a,b\n1,2\n3,4,5\n");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The CSV could not be read");
        Assert.EndsWith("#/datasets", ui.Page.Url);
        await ui.CheckAndCaptureAsync("09-upload-problem");
    }

    /// <summary>Before anything exists, every list page says what to do first (axe checks these pages once filled).</summary>
    static async Task CheckEmptyPagesAsync(DashboardPage ui)
    {
        foreach (var route in new[] { "#/datasets", "#/jobs", "#/models", "#/deployments" })
        {
            await ui.GoAsync(route);
            await Assertions.Expect(ui.Page.Locator("main .empty").First).ToBeVisibleAsync();
        }
        await ui.GoAsync("#/datasets");
        await ui.ScreenshotAsync("01-datasets-empty");
    }
}
