using System.Security.Cryptography;
using System.Text;

namespace DefectApi.Dashboard.Tests;

/// <summary>A model taken elsewhere from the dashboard, on a service that asks for API keys: the model page downloads
/// the bundle (with the key, which a plain link could not send) and links the ONNX export, and the models page
/// imports the bundle as the next version, or says what is wrong with a file that is not one.</summary>
[Collection(ChromiumCollection.Name)]
public sealed partial class ModelDownloadTests(Chromium chromium, KeyedServiceHost service) : IClassFixture<KeyedServiceHost>
{
    const string Key = KeyedServiceHost.Key;

    [ChromiumFact]
    public async Task TheModelPageDownloadsTheBundleThatTheModelsPageImportsAsTheNextVersion()
    {
        var api = service.Service.Client;
        api.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var job = await api.TrainAsync(TestData.DefectsCsv(rows: 200), "Defect", new { epochs = 5, ensembleSize = 1, modelName = "line3" });
        await using var ui = await chromium.OpenAsync(service, $"#/models/{job.GetProperty("modelId").GetString()}",
            waitUntilLoaded: false);
        var page = ui.Page;
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
        await dialog.GetByLabel("Key").FillAsync(Key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await ui.WaitUntilLoadedAsync();

        var downloads = page.GetByRole(AriaRole.Region, new() { Name = "Download", Exact = true });
        await Assertions.Expect(downloads.GetByRole(AriaRole.Button, new() { Name = "Download ONNX" })).ToBeEnabledAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => downloads.GetByRole(AriaRole.Button, new() { Name = "Download bundle" })
            .ClickAsync());

        Assert.Equal("line3-v1.dabundle", download.SuggestedFilename);
        var bundle = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal("DABUNDLE", Encoding.ASCII.GetString(bundle, 0, 8));
        Assert.Equal(SHA256.HashData(bundle.AsSpan(0, bundle.Length - 32)), bundle[^32..]);
        await Assertions.Expect(downloads.GetByRole(AriaRole.Status)).ToContainTextAsync("Downloaded line3-v1.dabundle");
        await ui.CheckAndCaptureAsync("14-model-downloads");

        await ui.GoAsync("#/models");
        var import = page.GetByLabel("Model bundle");
        await import.SetInputFilesAsync(new FilePayload
        {
            Name = "line3.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(
            TestData.DefectsCsv(rows: 5))
        });
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not a model bundle");
        await ui.CheckAndCaptureAsync("15-import-problem");

        await import.SetInputFilesAsync(new FilePayload
        {
            Name = download.SuggestedFilename, MimeType = "application/octet-stream",
            Buffer = bundle
        });
        await page.WaitForURLAsync(ModelRoute());
        await ui.WaitUntilLoadedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "line3 v2", Exact = true })).ToBeVisibleAsync();
    }

    [GeneratedRegex("#/models/[0-9a-f-]{36}$")]
    private static partial Regex ModelRoute();
}
