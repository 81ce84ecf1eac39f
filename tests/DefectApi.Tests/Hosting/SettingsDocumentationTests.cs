using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using DefectApi.Hosting;
using Microsoft.Extensions.Configuration;

namespace DefectApi.Tests.Hosting;

/// <summary>Every setting the service reads is written down twice: in the README's Configuration table (what it does,
/// its default, which provider) and in the top-level appsettings.json (with the code's own default), and a misspelled
/// key is reported rather than ignored in silence.</summary>
public sealed partial class SettingsDocumentationTests
{
    static readonly string Repository = Path.GetFullPath(Path.Combine(ServiceProcess.AppFolder(), "..", "..", "..", "..", ".."));

    public static TheoryData<string> Sections() => new(SettingsCatalog.Sections.Select(s => s.Name));

    [Fact]
    public void TheCatalogueFindsTheOptionsClassesTheServiceBinds()
    {
        var names = SettingsCatalog.Sections.Select(s => s.Name).ToArray();

        Assert.Subset(names.ToHashSet(), new HashSet<string> { "Auth", "Database", "Metrics", "PredictionLog", "RateLimiting", "Storage",
            "Training", "Uploads" });
        Assert.All(SettingsCatalog.Sections, s => Assert.NotEmpty(s.Settings));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void EverySettingHasARowInTheReadmeConfigurationTable(string section)
    {
        var documented = ReadmeSettings();

        var missing = Settings(section).Select(p => $"{section}:{p.Name}").Where(key => !documented.Contains(key)).ToArray();

        Assert.True(missing.Length == 0, $"README.md's Configuration table lacks a row for {string.Join(", ", missing)}.");
    }

    [Fact]
    public void TheReadmeDocumentsNoSettingThatDoesNotExist()
    {
        var real = SettingsCatalog.Sections.SelectMany(s => s.Settings.Select(p => $"{s.Name}:{p.Name}")).ToHashSet();
        var sections = SettingsCatalog.Sections.Select(s => s.Name).ToHashSet();

        var stale = ReadmeSettings().Where(key => sections.Contains(key.Split(':')[0]) && !real.Contains(key)).ToArray();

        Assert.True(stale.Length == 0, $"README.md documents settings the service does not read: {string.Join(", ", stale)}.");
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void TheAppSettingsFileHoldsEverySettingWithTheCodesDefault(string section)
    {
        var file = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository, "appsettings.json")).Build().GetSection(section);
        var type = SettingsCatalog.Sections.Single(s => s.Name == section).Options;
        var bound = file.Get(type, o => o.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
        var defaults = Activator.CreateInstance(type)!;

        foreach (var setting in Settings(section))
        {
            Assert.True(file.GetSection(setting.Name).Exists() || IsNullValued(file, setting.Name),
                $"appsettings.json lacks {section}:{setting.Name}.");
            Assert.True(SameValue(setting.GetValue(defaults), setting.GetValue(bound)),
                $"appsettings.json gives {section}:{setting.Name} = {setting.GetValue(bound)}, but the service's default is " +
                $"{setting.GetValue(defaults)}.");
        }
    }

    [Fact]
    public void AMisspelledKeyIsReportedWithTheNearestRealOne()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Training:MaxConcurentJobs"] = "2",
            ["Training:MaxConcurrentJobs"] = "1",
            ["uploads:maxbytes"] = "100",
            ["Auth:ApiKeys:0:Name"] = "line3",
            ["Storage:Quota"] = "5",
            ["Unrelated:Anything"] = "x",
        }).Build();

        var unknown = SettingsSpellCheck.UnknownKeys(configuration).ToArray();

        Assert.Equal(2, unknown.Length);
        Assert.Contains(unknown, u => u.Key == "Training:MaxConcurentJobs" && u.Suggestion == "did you mean Training:MaxConcurrentJobs?");
        // Nothing near: the section's real keys are listed instead.
        Assert.Contains(unknown, u => u.Key == "Storage:Quota" && u.Suggestion.Contains("MaxDatabaseBytes"));
    }

    [Fact]
    public void TheServiceWarnsAtStartAboutAMisspelledKey()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.AddTo(new ApiFactory(new Dictionary<string, string?> { ["PredictionLog:RetentionDay"] = "30" }));
        factory.CreateClient().Dispose();

        var warning = Assert.Single(logs.Logs, l => l.Category.EndsWith(nameof(SettingsSpellCheck)));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("PredictionLog:RetentionDay", warning.Message);
        Assert.Contains("did you mean PredictionLog:RetentionDays?", warning.Message);
    }

    static IEnumerable<PropertyInfo> Settings(string section) => SettingsCatalog.Sections.Single(s => s.Name == section).Settings;

    /// <summary>The keys named (in backticks) in the first cell of each row of the README's Configuration table.</summary>
    static HashSet<string> ReadmeSettings()
    {
        var readme = File.ReadAllText(Path.Combine(Repository, "README.md"));
        var start = readme.IndexOf("\n## Configuration", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Configuration section.");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var table = readme[start..(end < 0 ? readme.Length : end)];
        return table.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => SettingKey().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToHashSet();
    }

    [GeneratedRegex("`([A-Za-z]+:[A-Za-z]+)`")]
    private static partial Regex SettingKey();

    /// <summary>A JSON null (such as "MaxDatabaseBytes": null) binds to no section, yet is written in the file.</summary>
    static bool IsNullValued(IConfigurationSection section, string key) =>
        section.GetChildren().Any(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    static bool SameValue(object? expected, object? actual) => (expected, actual) switch
    {
        (IEnumerable a, IEnumerable b) when expected is not string => a.Cast<object?>().SequenceEqual(b.Cast<object?>()),
        _ => Equals(expected, actual),
    };
}
