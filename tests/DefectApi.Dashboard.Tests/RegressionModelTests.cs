using System.Globalization;
using System.Text.RegularExpressions;
using DefectApi.Dashboard.Tests.Infrastructure;
using DefectApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace DefectApi.Dashboard.Tests;

/// <summary>An efficiency (regression) model: its page has no threshold, shows R² and the history, and predicts a value.</summary>
public sealed class RegressionModelTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task ARegressionModelShowsItsFitAndPredictsAValue()
    {
        var ui = await host.OpenAsync();
        var page = ui.Page;
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 300));
        await ui.StartTrainingAsync("efficiency", epochs: 60);
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the model" }).ClickAsync(new() { Timeout = 60_000 });
        await page.WaitForURLAsync(new Regex("#/models/[0-9a-f-]{36}$"));
        await ui.WaitUntilLoadedAsync();

        await Assertions.Expect(page.Locator("[data-metric=r2]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Slider)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Loss by epoch" })).ToBeVisibleAsync();
        // Drawn only when the service sends the validation pairs.
        var pairs = await page.EvaluateAsync<int>("id => fetch('/api/models/' + id).then(r => r.json()).then(m => (m.validationPredictions ?? []).length)",
            page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Predicted against actual" })).ToHaveCountAsync(pairs > 0 ? 1 : 0);

        await page.GetByLabel("workers").FillAsync("40");
        await page.GetByLabel("smv").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();
        var value = double.Parse((await page.GetByTestId("value").TextContentAsync())!, CultureInfo.InvariantCulture);
        Assert.InRange(value, 0.55, 0.75); // 0.5 + 0.004·40 − 0.002·0 = 0.66
        await ui.AssertAccessibleAsync();
        await ui.ScreenshotAsync("11-regression-model");
    }
}
