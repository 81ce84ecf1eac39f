using System.Globalization;
using DefectApi.Monitoring;

namespace DefectApi.Tests.Monitoring;

/// <summary>Drift through the HTTP API: the AI4I test split scored through one deployment, and the same split with
/// one column shifted by two standard deviations through another, both against a model trained on the train split.</summary>
public sealed class DriftApiTests() : ServiceOnProvider(DatabaseProvider.Sqlite)
{
    const string Torque = "Torque [Nm]";

    /// <summary>The test split with one column moved by two of its standard deviations.</summary>
    static string Shifted(string csv, string column)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        int at = Array.IndexOf(lines[0].Split(','), column);
        var values = lines.Skip(1).Select(l => double.Parse(l.Split(',')[at], CultureInfo.InvariantCulture)).ToArray();
        double mean = values.Average(), std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        var shifted = new StringBuilder(lines[0]).Append('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            cells[at] = (values[i - 1] + 2 * std).ToString("R", CultureInfo.InvariantCulture);
            shifted.Append(string.Join(',', cells)).Append('\n');
        }
        return shifted.ToString();
    }

    async Task<JsonElement> ScoreAndReadDriftAsync(string deployment, string csv)
    {
        var scored = await Client.PostAsync($"/api/deployments/{deployment}/predict", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        await scored.Content.ReadAsStringAsync();
        await Factory.Services.GetRequiredService<PredictionLogWriter>().WriteQueuedAsync();
        return await Client.GetFromJsonAsync<JsonElement>($"/api/deployments/{deployment}/drift");
    }

    [Fact]
    public async Task AColumnShiftedByTwoStandardDeviationsIsAlertAndTheOthersOk()
    {
        var modelId = (await Client.TrainAsync(File.ReadAllText(SampleSplits.Path("ai4i2020.train.csv")), "Machine failure", new
        {
            exclude = new[] { "UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF" }, epochs = 3, ensembleSize = 1,
        })).GetProperty("modelId").GetString();
        foreach (var name in new[] { "line-a", "line-b" })
            (await Client.PutAsJsonAsync($"/api/deployments/{name}", new { modelId })).EnsureSuccessStatusCode();
        var test = File.ReadAllText(SampleSplits.Path("ai4i2020.test.csv"));

        var same = await ScoreAndReadDriftAsync("line-a", test);
        var moved = await ScoreAndReadDriftAsync("line-b", Shifted(test, Torque));

        var status = (JsonElement report) => report.GetProperty("columns").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(2000, same.GetProperty("records").GetInt64());
        Assert.All(status(same), c => Assert.Equal("ok", c.Value));
        Assert.Equal("ok", same.GetProperty("output").GetProperty("status").GetString());
        Assert.Equal("alert", status(moved)[Torque]);
        Assert.All(status(moved).Where(c => c.Key != Torque), c => Assert.Equal("ok", c.Value));
        var torque = moved.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Torque);
        Assert.True(torque.GetProperty("psi").GetDouble() > 0.25);
        Assert.True(torque.GetProperty("outOfRangeShare").GetDouble() > 0);
        Assert.NotEmpty(torque.GetProperty("bins").EnumerateArray());
    }

    [Fact]
    public async Task DriftOfAnUnknownDeploymentIsNotFoundAndABadRangeIsRefused()
    {
        await (await Client.GetAsync("/api/deployments/nowhere/drift")).AssertProblemAsync(HttpStatusCode.NotFound);
        var modelId = (await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 2 })).GetProperty("modelId").GetString();
        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId })).EnsureSuccessStatusCode();

        var problem = await (await Client.GetAsync("/api/deployments/line3/drift?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var empty = await Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3/drift");

        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(0, empty.GetProperty("records").GetInt64());
        Assert.All(empty.GetProperty("columns").EnumerateArray(), c => Assert.Equal("no data", c.GetProperty("status").GetString()));
    }
}
