namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>Every test class runs in this one collection: one Playwright driver for the run, and classes one after
/// another (each starts a service; on a small machine that is faster than side by side, and a training job's timing
/// does not then depend on another class's load).</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}

/// <summary>Debian's Chromium driven by Playwright. Playwright never downloads a browser here. Each test gets a browser
/// of its own: a browser shared across services that come and go saw uploads fail as dropped connections.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        // Without Chromium the tests are skipped ([ChromiumFact]) and this fixture is not used, except under CI=true.
        if (!File.Exists(ExecutablePath)) throw new InvalidOperationException(
            DefectApi.Tests.Shared.ExternalComponent.Chromium.MissingMessage);
        // Generous waits: the machine may be shared with builds, and a wait ends as soon as its condition holds.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
    }

    /// <summary>A fresh browser and page on the service, at a route of the dashboard; disposing the page closes both.</summary>
    public async Task<DashboardPage> OpenAsync(ServiceHost service, string route = "#/datasets", bool waitUntilLoaded = true)
    {
        var browser = await _playwright!.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = Args });
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = service.Service.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = new DashboardPage(await context.NewPageAsync(), service.Service);
        await page.Page.GotoAsync($"/{route}");
        if (waitUntilLoaded) await page.WaitUntilLoadedAsync();
        return page;
    }

    public Task DisposeAsync()
    {
        _playwright?.Dispose();
        return Task.CompletedTask;
    }
}
