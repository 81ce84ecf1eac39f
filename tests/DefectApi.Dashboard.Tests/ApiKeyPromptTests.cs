namespace DefectApi.Dashboard.Tests;

/// <summary>A service with API keys: the page asks for a key at the first 401, once, keeps it for the tab, and sends it
/// on every call: fetch, the upload's XMLHttpRequest and the training event stream alike.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class ApiKeyPromptTests(Chromium chromium, KeyedServiceHost service) : IClassFixture<KeyedServiceHost>
{
    const string Key = KeyedServiceHost.Key;

    [ChromiumFact]
    public async Task TheFirst401AsksForAKeyThatEveryLaterCallSends()
    {
        await using var ui = await chromium.OpenAsync(service, waitUntilLoaded: false);
        var page = ui.Page;
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await ui.CheckAndCaptureAsync("12-api-key-prompt");

        await dialog.GetByLabel("Key").FillAsync("not-the-key");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Assertions.Expect(dialog.GetByText("The key was not accepted")).ToBeVisibleAsync();

        await dialog.GetByLabel("Key").FillAsync(Key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await ui.WaitUntilLoadedAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        Assert.Equal(Key, await page.EvaluateAsync<string>("() => sessionStorage.getItem('defectapi.apiKey')"));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Forget API key" })).ToBeVisibleAsync();

        // The upload (XMLHttpRequest) and the job's event stream (fetch) carry the key without asking again.
        await ui.UploadAsync("efficiency.csv", TestData.EfficiencyCsv(rows: 100));
        await ui.TrainAsync("efficiency", epochs: 5);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the model" })).ToBeVisibleAsync(
            new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("epoch")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ of \d+$"));
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }
}
