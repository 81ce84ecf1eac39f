using System.Text.Json.Nodes;

namespace DefectApi.Tests.Hosting;

/// <summary>The top-level appsettings.json is the configuration the service uses, wherever it is started from.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void TheBuildPutsTheTopLevelAppSettingsBesideTheApp()
    {
        var repositoryFile = Path.Combine(ServiceProcess.AppFolder(), "..", "..", "..", "..", "..", "appsettings.json");

        Assert.Equal(File.ReadAllText(repositoryFile), File.ReadAllText(Path.Combine(ServiceProcess.AppFolder(), "appsettings.json")));
    }

    [Fact]
    public async Task AValueSetInTheAppSettingsBesideTheAppReachesTheRunningService()
    {
        // A copy of the built app whose appsettings.json lowers the upload limit; started from an unrelated folder.
        var folder = Directory.CreateTempSubdirectory("defectapi-config-").FullName;
        try
        {
            ServiceProcess.CopyApp(folder);
            var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "appsettings.json")))!;
            settings["Uploads"]!["MaxBytes"] = 64;
            File.WriteAllText(Path.Combine(folder, "appsettings.json"), settings.ToJsonString());
            await using var service = await ServiceProcess.StartAsync(folder, workingDirectory: Path.GetTempPath());

            var response = await service.Client.PostAsync("/api/datasets?name=big",
                new StringContent(TestData.EfficiencyCsv(rows: 20), Encoding.UTF8, "text/csv"));

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("64 bytes", problem.GetProperty("detail").GetString());
            // The default database sits under data/ next to the app, not in the working directory.
            Assert.True(File.Exists(Path.Combine(folder, "data", "defects.db")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

}
