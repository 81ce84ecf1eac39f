using DefectApi.Dashboard.Tests.Infrastructure;
using DefectApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace DefectApi.Dashboard.Tests;

/// <summary>When the service says no, the page says why: the problem's title and detail, and each field error beside
/// its field.</summary>
public sealed class ProblemDisplayTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task AnUnreadableCsvShowsTheServicesProblemAndStaysOnTheUploadPage()
    {
        var ui = await host.OpenAsync();
        var folder = Directory.CreateTempSubdirectory("defectapi-dashboard-");
        var path = Path.Combine(folder.FullName, "ragged.csv");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n3,4,5\n");

        await ui.Page.Locator("#upload-file").SetInputFilesAsync(path);
        folder.Delete(recursive: true);

        var problem = ui.Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problem).ToContainTextAsync("The CSV could not be read");
        Assert.EndsWith("#/datasets", ui.Page.Url);
        await ui.AssertAccessibleAsync();
        await ui.ScreenshotAsync("09-upload-problem");
    }

    [Fact]
    public async Task AFieldTheServiceRejectsIsMarkedBesideItsInput()
    {
        var ui = await host.OpenAsync();
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 100));

        await ui.StartTrainingAsync("efficiency", epochs: 0);

        var epochs = ui.Page.GetByLabel("Epochs", new() { Exact = true });
        await Assertions.Expect(epochs).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid training request");
        await Assertions.Expect(ui.Page.Locator("main .field-error")).ToContainTextAsync("epochs");
        Assert.Contains("#/datasets/", ui.Page.Url);
        await ui.AssertAccessibleAsync();
        await ui.ScreenshotAsync("10-form-problem");
    }
}
