using System.Net;

namespace DefectApi.Dashboard.Tests;

/// <summary>The Keys page on a service that starts open, as an operator closes it: the first (admin) key is shown once
/// with a copy button and the tab goes on with it, a second key is created and revoked, and a bad request shows what
/// to change.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class KeysPageTests(Chromium chromium, ServiceHost service) : IClassFixture<ServiceHost>
{
    static HttpClient ClientWith(ServiceHost service, string key)
    {
        var client = new HttpClient { BaseAddress = service.Service.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    [ChromiumFact]
    public async Task TheKeysPageCreatesAKeyShownOnceListsKeysAndRevokesOne()
    {
        await using var ui = await chromium.OpenAsync(service, "#/keys");
        var page = ui.Page;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("API keys");
        await Assertions.Expect(page.GetByText("No keys: the service is open")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Keys" })).ToHaveAttributeAsync("aria-current", "page");

        // The first key, admin: shown once, and the tab uses it from now on (the service now asks every caller for a key).
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("ops");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "admin", Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var revealed = page.GetByRole(AriaRole.Region, new() { Name = "Key shown once", Exact = true });
        await Assertions.Expect(revealed).ToContainTextAsync("copy it now");
        var opsKey = await page.GetByTestId("new-key").InputValueAsync();
        Assert.Matches("^dak_[A-Za-z0-9_-]{43}$", opsKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "API key" })).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Service.Client.GetAsync("/api/models")).StatusCode);
        using (var ops = ClientWith(service, opsKey)) Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/api/keys")).StatusCode);
        await revealed.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#announcer")).ToHaveTextAsync(new Regex("The key is (copied|selected)"));
        await ui.CheckAndCaptureAsync("40-keys-created");

        // No scope: the problem says what to change, beside the scopes.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("mes-line3");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "predict", Exact = false }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("at least one scope");

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "predict", Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(revealed).ToContainTextAsync("Key \"mes-line3\" (predict)");
        var lineKey = await page.GetByTestId("new-key").InputValueAsync();
        var rows = page.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("mes-line3");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("ops");
        await Assertions.Expect(page.Locator("table")).Not.ToContainTextAsync(lineKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key mes-line3" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "revoked" })).ToHaveTextAsync(
            "The key \"mes-line3\" is revoked.");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Key shown once", Exact = true })).ToBeHiddenAsync();
        using (var line = ClientWith(service, lineKey)) Assert.Equal(HttpStatusCode.Unauthorized, (await line.GetAsync("/api/models"))
            .StatusCode);
        await ui.CheckAndCaptureAsync("41-keys-revoked");
    }
}
