using System.Text.RegularExpressions;
using DefectApi.Tests.OpenApi;

namespace DefectApi.Tests.Hosting;

/// <summary>What operators load from docker/monitoring: Prometheus alert rules that promtool accepts and whose unit
/// tests pass, and a Grafana dashboard that imports on any Prometheus data source. Both may name only metrics that the
/// service really exports, so they are checked against a real scrape. In the metrics collection: the scrape must come
/// from this host alone.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MonitoringAssetsTests
{
    static readonly string Folder = Repository.PathOf("docker", "monitoring");
    const string Rules = "defectapi-alerts.yml";
    const string Dashboard = "grafana-dashboard.json";

    /// <summary>Series that Prometheus itself writes for every scrape target.</summary>
    static readonly string[] ScrapeSeries = ["up"];

    [PromtoolFact]
    public void TheAlertRulesAndTheExampleConfigurationPassPromtoolAndTheRulesUnitTests()
    {
        var promtool = ExternalComponent.OnPath("promtool") ?? throw new InvalidOperationException(
            ExternalComponent.Promtool.MissingMessage);

        foreach (var arguments in new[] { $"check rules {Rules}", "check config prometheus.example.yml",
            "test rules defectapi-alerts.test.yml" })
        {
            var run = OpenApiLinters.Run(promtool, arguments, Folder, TimeSpan.FromMinutes(1));
            Assert.NotNull(run);
            Assert.True(run.ExitCode == 0, $"promtool {arguments}:\n{run.Output}\n{run.Errors}");
            Assert.Contains("SUCCESS", run.Output + run.Errors);
        }
    }

    [Fact]
    public void TheDashboardImportsOnAPrometheusDataSourceVariable()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, Dashboard)));
        var dashboard = document.RootElement;
        var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var panels = dashboard.GetProperty("panels").EnumerateArray().ToList();

        Assert.False(string.IsNullOrWhiteSpace(dashboard.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(dashboard.GetProperty("uid").GetString()));
        Assert.True(dashboard.GetProperty("schemaVersion").GetInt32() >= 36, "the data source variable form needs schema 36 or later");
        // Exported "for sharing externally" a dashboard asks for its data sources through __inputs; this one needs none.
        Assert.False(dashboard.TryGetProperty("__inputs", out _));
        var source = Assert.Single(variables, v => v.GetProperty("type").GetString() == "datasource");
        Assert.Equal("prometheus", source.GetProperty("query").GetString());
        var reference = "${" + source.GetProperty("name").GetString() + "}";

        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var queried = panels.Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(queried);
        foreach (var panel in queried)
        {
            var title = panel.GetProperty("title").GetString();
            var grid = panel.GetProperty("gridPos");
            Assert.True(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24, $"{title} is wider than the grid");
            Assert.Equal(reference, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.Equal(reference, t.GetProperty("datasource").GetProperty("uid").GetString()));
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), title));
        }
        Assert.All(variables.Where(v => v.GetProperty("type").GetString() == "query"),
            v => Assert.Equal(reference, v.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public async Task EveryMetricTheDashboardAndTheRulesQueryIsOneTheServiceExports()
    {
        using var factory = new ApiFactory();
        var scrape = await JudgedDeployment.CreateAndScrapeAsync(factory, factory.CreateClient(), "monitored-line-2");
        var exported = Regex.Matches(scrape.Metrics, @"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Concat(ScrapeSeries).ToHashSet();

        var dashboard = MetricNames(DashboardQueries());
        var rules = MetricNames(RuleExpressions());

        // The extraction must find what the files are about, or an empty set would pass below.
        Assert.Contains("defectapi_deployment_training_metric", dashboard);
        Assert.Contains("http_server_request_duration_seconds_bucket", rules);
        Assert.Contains("defectapi_training_jobs_finished_total", rules);
        Assert.Empty(dashboard.Except(exported));
        Assert.Empty(rules.Except(exported));
    }

    /// <summary>Every target's expression, and the selector of every label_values(selector, label) variable.</summary>
    static IEnumerable<string> DashboardQueries()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, Dashboard)));
        var root = document.RootElement;
        var expressions = root.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .Select(v => Regex.Match(v.GetProperty("definition").GetString()!, @"^label_values\((.+),\s*\w+\)$").Groups[1].Value);
        return expressions.Concat(variables).ToList();
    }

    /// <summary>The rules' expressions: each "expr: |" block, up to the next key of its rule.</summary>
    static IEnumerable<string> RuleExpressions()
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, Rules));
        for (var i = 0; i < lines.Length; i++)
        {
            var key = Regex.Match(lines[i], @"^(\s*)expr:\s*(.*)$");
            if (!key.Success) continue;
            var indent = key.Groups[1].Length;
            if (key.Groups[2].Value is not "|" and not ">") { yield return key.Groups[2].Value; continue; }
            var block = lines.Skip(i + 1).TakeWhile(l => l.Trim().Length == 0 || l.Length - l.TrimStart().Length > indent);
            yield return string.Join('\n', block);
        }
    }

    static readonly HashSet<string> PromQlWords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
        "unless", "offset", "bool"];

    /// <summary>The metric names in PromQL expressions: what is left once strings, label matchers, ranges, grouping
    /// label lists, Grafana variables, numbers and function names are taken out.</summary>
    static HashSet<string> MetricNames(IEnumerable<string> expressions)
    {
        var names = new HashSet<string>();
        foreach (var expression in expressions)
        {
            var bare = Regex.Replace(expression, "\"(?:[^\"\\\\]|\\\\.)*\"", "");
            bare = Regex.Replace(bare, @"\{[^}]*\}", " ");
            bare = Regex.Replace(bare, @"\[[^\]]*\]", " ");
            bare = Regex.Replace(bare, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
            bare = Regex.Replace(bare, @"\$\w+", " ");
            foreach (Match token in Regex.Matches(bare, @"(?<![\w.:])(?>[a-zA-Z_:][a-zA-Z0-9_:]*)(?!\s*\()"))
                if (!PromQlWords.Contains(token.Value)) names.Add(token.Value);
        }
        return names;
    }
}
