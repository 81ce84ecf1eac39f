using Xunit.Abstractions;

namespace DefectApi.Tests.OpenApi;

/// <summary>The served document passes the linters that integrators run before they generate a client from it.</summary>
public sealed class OpenApiLintTests(ITestOutputHelper output) : IDisposable
{
    readonly ApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    // Neither tool may phone home during a test run.
    static readonly Dictionary<string, string> Quiet = new() { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" };

    async Task<string> ServedDocumentAsync()
    {
        // Reached without the linters only under CI=true, where a missing component fails the run.
        if (OpenApiLinters.Unavailable is { } missing) Assert.Fail(missing);
        var path = Path.Combine(Path.GetTempPath(), $"defectapi-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, await _factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        return path;
    }

    [LintersFact]
    public async Task RedoclyRecommendedRulesFindNoErrorInTheServedDocument()
    {
        var document = await ServedDocumentAsync();
        try
        {
            var run = OpenApiLinters.Run(OpenApiLinters.Redocly, $"lint \"{document}\" --format=json", OpenApiLinters.Folder,
                TimeSpan.FromMinutes(2), Quiet);
            Assert.NotNull(run);
            output.WriteLine(run.Output);
            var report = JsonDocument.Parse(run.Output[run.Output.IndexOf('{')..]).RootElement;
            var errors = report.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error")
                .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}").ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.Equal(0, report.GetProperty("totals").GetProperty("errors").GetInt32());
        }
        finally { File.Delete(document); }
    }

    [LintersFact]
    public async Task SpectralOasRulesFindNoErrorInTheServedDocument()
    {
        var document = await ServedDocumentAsync();
        try
        {
            var run = OpenApiLinters.Run(OpenApiLinters.Spectral, $"lint \"{document}\" --ruleset .spectral.yaml --format json --quiet",
                OpenApiLinters.Folder, TimeSpan.FromMinutes(2), Quiet);
            Assert.NotNull(run);
            output.WriteLine(run.Output);
            // Severity 0 is an error; 1 to 3 are warnings, information and hints.
            var results = JsonDocument.Parse(run.Output.Trim() is { Length: > 0 } text ? text : "[]").RootElement.EnumerateArray().ToList();
            var errors = results.Where(r => r.GetProperty("severity").GetInt32() == 0)
                .Select(r => $"{r.GetProperty("code").GetString()}: {r.GetProperty("message").GetString()} at " +
                    $"{string.Join('.', r.GetProperty("path").EnumerateArray())}")
                .ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.True(run.ExitCode == 0, run.Errors);
        }
        finally { File.Delete(document); }
    }
}
