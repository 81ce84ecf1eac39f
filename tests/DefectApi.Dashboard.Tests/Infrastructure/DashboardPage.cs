using Deque.AxeCore.Playwright;

namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>A page of the dashboard with the checks every test makes: no script errors, no serious accessibility
/// violations, and a screenshot kept as an artifact.</summary>
public sealed partial class DashboardPage(IPage page, ServiceProcess service) : IAsyncDisposable
{
    readonly List<string> _errors = Listen(page);

    public IPage Page => page;

    /// <summary>Closes the page's browser, so nothing of it (a live event stream, a connection) outlasts the test.</summary>
    public ValueTask DisposeAsync() => page.Context.Browser!.DisposeAsync();

    static List<string> Listen(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add($"script error: {message}");
        page.Console += (_, message) =>
        {
            // A failed call the page shows as a problem (4xx) is logged by Chromium too; that is the page working.
            if (message.Type == "error" && !FailedResourceLog().IsMatch(message.Text)) errors.Add($"console error: {message.Text}");
        };
        return errors;
    }

    [GeneratedRegex("Failed to load resource: the server responded with a status of 4\\d\\d")]
    private static partial Regex FailedResourceLog();

    /// <summary>Waits until the router has rendered the current route.</summary>
    public async Task WaitUntilLoadedAsync()
    {
        await page.WaitForFunctionAsync("""
            () => {
              const main = document.querySelector('main');
              return main.dataset.route === (location.hash || '#/datasets') && !main.hasAttribute('aria-busy') && main.querySelector('h1');
            }
            """);
        Assert.Empty(_errors);
    }

    public async Task GoAsync(string route)
    {
        await page.EvaluateAsync("route => { location.hash = route; }", route);
        await page.WaitForURLAsync(new Regex(Regex.Escape(route) + "$"));
        await WaitUntilLoadedAsync();
    }

    /// <summary>Uploads a CSV through the drop zone's file input and waits for the new dataset's page.</summary>
    public async Task UploadAsync(string fileName, string csv)
    {
        await GoAsync("#/datasets");
        await ChooseFileAsync(fileName, csv);
        await ExplainedAsync("the uploaded dataset's page", () => page.WaitForURLAsync(DatasetRoute()));
        await WaitUntilLoadedAsync();
    }

    /// <summary>Runs a wait; when it times out, the failure says what the page and the service showed meanwhile (the
    /// page's alerts and status lines, the service's log), so a failure on a CI machine can be understood from its log.</summary>
    async Task ExplainedAsync(string awaited, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException e)
        {
            var shown = await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('[role=alert]:not([hidden]), [role=status]')].map(e => e.textContent.trim())" +
                    ".filter(Boolean).join(' | ')");
            throw new TimeoutException(
                $"Waiting for {awaited} at {page.Url} timed out. The page showed: {shown}\nThe service's last output:\n" +
                $"{service.RecentOutput()}", e);
        }
    }

    /// <summary>Gives the upload's file input a file with this name and content, as the file picker would. The bytes
    /// are handed over in memory: the page reads the file only when it uploads, so a temporary file deleted right
    /// after choosing it made the upload fail now and then.</summary>
    public Task ChooseFileAsync(string fileName, string csv) =>
        page.Locator("#upload-file").SetInputFilesAsync(new FilePayload
        {
            Name = fileName, MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });

    [GeneratedRegex("#/datasets/[0-9a-f-]{36}$")]
    private static partial Regex DatasetRoute();

    /// <summary>On a dataset's page: fills the training form with small settings and starts the job.</summary>
    public async Task StartTrainingAsync(string target, int epochs, string hiddenLayers = "16", int? patience = null)
    {
        await page.GetByLabel("Target column").SelectOptionAsync(target);
        await page.GetByLabel("Hidden layers").FillAsync(hiddenLayers);
        await page.GetByLabel("Epochs", new() { Exact = true }).FillAsync(epochs.ToString(
            System.Globalization.CultureInfo.InvariantCulture));
        if (patience is { } p) await page.GetByLabel("Early stopping patience")
            .FillAsync(p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start training" }).ClickAsync();
    }

    /// <summary>Starts training and waits for the job's page, which follows the run live.</summary>
    public async Task TrainAsync(string target, int epochs, string hiddenLayers = "16", int? patience = null)
    {
        await StartTrainingAsync(target, epochs, hiddenLayers, patience);
        await ExplainedAsync("the training job's page", () => page.WaitForURLAsync(JobRoute()));
        await WaitUntilLoadedAsync();
    }

    /// <summary>On a job's page: waits for the run to end with a model, and opens the model's page.</summary>
    public async Task OpenTrainedModelAsync()
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the model" }).ClickAsync(new() { Timeout = 60_000 });
        await page.WaitForURLAsync(ModelRoute());
        await WaitUntilLoadedAsync();
    }

    [GeneratedRegex("#/jobs/[0-9a-f-]{36}$")]
    private static partial Regex JobRoute();

    [GeneratedRegex("#/models/[0-9a-f-]{36}$")]
    private static partial Regex ModelRoute();

    /// <summary>Runs axe-core on the page and fails on any serious or critical violation, listing them.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"Accessibility violations on {page.Url}:\n" + string.Join("\n", serious.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        Assert.Empty(_errors);
    }

    /// <summary>The check every finished page gets: axe finds nothing serious, and its screenshot is kept.</summary>
    public async Task CheckAndCaptureAsync(string screenshot)
    {
        await AssertAccessibleAsync();
        await ScreenshotAsync(screenshot);
    }

    /// <summary>Saves a full-page screenshot under TestResults/screenshots in the test project's folder.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });
    }

    public static string ScreenshotFolder { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..",
        "TestResults", "screenshots"));

    /// <summary>Checks that nothing went wrong in the page's scripts so far.</summary>
    public void AssertNoScriptErrors() => Assert.Empty(_errors);
}
