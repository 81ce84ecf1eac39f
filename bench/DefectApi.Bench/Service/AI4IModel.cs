namespace DefectApi.Bench.Service;

/// <summary>Trains the AI4I 2020 model the README's walk-through trains (the sample the repository ships) through the
/// HTTP API and deploys it as 'bench'.</summary>
internal static class AI4IModel
{
    public static readonly string[] Excluded = ["UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"];

    public static string SamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "ai4i2020.csv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("samples/ai4i2020.csv not found above the bench's folder");
    }

    public static async Task<Guid> TrainAndDeployAsync(HttpClient client, int? epochs)
    {
        using var form = new MultipartFormDataContent { { new StringContent("ai4i"), "name" },
            { new ByteArrayContent(File.ReadAllBytes(SamplePath())), "file", "ai4i2020.csv" } };
        var dataset = await (await client.PostAsync("/api/datasets", form)).Content.ReadFromJsonAsync<JsonElement>();
        var request = new Dictionary<string, object?>
        {
            ["datasetId"] = dataset.GetProperty("id").GetString(),
            ["target"] = "Machine failure", ["exclude"] = Excluded
        };
        if (epochs is { } e) request["epochs"] = e;
        var job = await (await client.PostAsJsonAsync("/api/training-jobs", request)).Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("id").GetString();
        while (true)
        {
            job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{id}");
            var status = job.GetProperty("status").GetString();
            if (status == "succeeded") break;
            if (status is "failed" or "canceled") throw new InvalidOperationException($"training {status}: {job}");
            await Task.Delay(200);
        }
        var modelId = job.GetProperty("modelId").GetGuid();
        (await client.PutAsJsonAsync("/api/deployments/bench", new { modelId })).EnsureSuccessStatusCode();
        return modelId;
    }

    /// <summary>The sample's data rows as JSON records of the model's inputs.</summary>
    public static List<Dictionary<string, object?>> Records(int count)
    {
        var lines = File.ReadLines(SamplePath()).ToList();
        var header = lines[0].TrimStart('\uFEFF').Split(',');
        var records = new List<Dictionary<string, object?>>();
        for (var i = 1; records.Count < count; i = i % (lines.Count - 1) + 1)
        {
            var cells = lines[i].Split(',');
            var record = new Dictionary<string, object?>();
            for (var c = 0; c < header.Length; c++)
            {
                if (Excluded.Contains(header[c]) || header[c] == "Machine failure") continue;
                record[header[c]] = double.TryParse(cells[c], System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : cells[c];
            }
            records.Add(record);
        }
        return records;
    }
}
