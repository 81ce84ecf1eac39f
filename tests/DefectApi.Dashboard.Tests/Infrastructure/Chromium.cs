using Microsoft.Playwright;

namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>Every test class runs in this one collection: one browser for the whole run, and classes one after another
/// (each starts a service; on a small machine that is faster than side by side, and a training job's timing does not
/// then depend on another class's load).</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}

/// <summary>Debian's Chromium driven by Playwright. Playwright never downloads a browser here.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    IPlaywright? _playwright;
    IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install -y chromium (.ci/run does this).");
        // Generous waits: the machine may be shared with builds, and a wait ends as soon as its condition holds.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = Args });
    }

    /// <summary>A fresh page (its own cookies and storage) on the service, at a route of the dashboard.</summary>
    public async Task<DashboardPage> OpenAsync(ServiceHost service, string route = "#/datasets", bool waitUntilLoaded = true)
    {
        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = service.Service.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = new DashboardPage(await context.NewPageAsync());
        await page.Page.GotoAsync($"/{route}");
        if (waitUntilLoaded) await page.WaitUntilLoadedAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
