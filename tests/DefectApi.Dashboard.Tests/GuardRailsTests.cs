using System.Text;

namespace DefectApi.Dashboard.Tests;

/// <summary>What a raw MES export holds that a plant engineer must see before deploying: the dataset page's data
/// report, and a probable leak on the job's and the model's pages, beside the validation that gave the metrics.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class GuardRailsTests(Chromium chromium, ServiceHost service) : IClassFixture<ServiceHost>
{
    /// <summary>A serial, a single plant, the made time, a temperature in Celsius and again in Fahrenheit, and a rework
    /// time filled in only for parts that failed: the leak a model must not read.</summary>
    static string RawExportCsv()
    {
        var random = new Random(5);
        var csv = new StringBuilder("Serial,Plant,Made,Celsius,Fahrenheit,Speed,ReworkMinutes,Defect\n");
        var start = new DateTime(2026, 3, 1, 6, 0, 0);
        for (int i = 0; i < 600; i++)
        {
            double celsius = 60 + 15 * random.NextDouble(), speed = 1200 + 300 * random.NextDouble();
            // Hotter parts fail more often, but not always: a cause, not a record of the outcome.
            int defect = random.NextDouble() < 1 / (1 + Math.Exp(-(celsius - 70) / 2.5)) ? 1 : 0;
            string rework = defect == 1 ? (5 + random.Next(40)).ToString(CultureInfo.InvariantCulture) : "";
            csv.Append(CultureInfo.InvariantCulture,
                $"SN{i:D6},P1,{start.AddMinutes(7 * i):yyyy-MM-ddTHH:mm:ss},{celsius:F3},{celsius * 1.8 + 32:F3},{speed:F1}," +
                $"{rework},{defect}\n");
        }
        return csv.ToString();
    }

    [ChromiumFact]
    public async Task TheDataReportAndAProbableLeakShowBeforeAnyoneDeploys()
    {
        await using var ui = await chromium.OpenAsync(service);
        var page = ui.Page;
        await ui.UploadAsync("line7-export.csv", RawExportCsv());

        var report = page.Locator(".data-report");
        await Assertions.Expect(report).ToContainTextAsync("Identifiers: Serial");
        await Assertions.Expect(report).ToContainTextAsync("Single-valued: Plant");
        await Assertions.Expect(report).ToContainTextAsync("Fahrenheit repeats Celsius");

        await ui.TrainAsync("Defect", epochs: 8);
        // The job's page warns as soon as training has looked at the columns, before the model exists.
        var leaks = page.GetByTestId("leaks");
        await Assertions.Expect(leaks).ToContainTextAsync("ReworkMinutes", new() { Timeout = 30_000 });
        await Assertions.Expect(leaks).ToContainTextAsync("left out");
        await Assertions.Expect(leaks).Not.ToContainTextAsync("Celsius");

        await ui.OpenTrainedModelAsync();
        await Assertions.Expect(page.GetByTestId("leaks")).ToContainTextAsync("ReworkMinutes");
        // Random folds on data with a time: the note names the validation and the time-ordered figure beside it.
        var note = page.Locator(".validation-note");
        await Assertions.Expect(note).ToContainTextAsync("Random folds");
        await Assertions.Expect(note).ToContainTextAsync("Made");
        await ui.CheckAndCaptureAsync("42-guard-rails-model");
    }

    [ChromiumFact]
    public async Task ChoosingWarnInTheFormKeepsAProbableLeakAndTheJobSaysCheckItBeforeDeploying()
    {
        await using var ui = await chromium.OpenAsync(service);
        var page = ui.Page;
        await ui.UploadAsync("line7-export.csv", RawExportCsv());

        await page.GetByLabel("Probable leaks").SelectOptionAsync("warn");
        await ui.TrainAsync("Defect", epochs: 3);

        var leaks = page.GetByTestId("leaks");
        await Assertions.Expect(leaks).ToContainTextAsync("Probable leaks kept as inputs (1)", new() { Timeout = 30_000 });
        await Assertions.Expect(leaks).ToContainTextAsync("ReworkMinutes (kept");
    }
}
