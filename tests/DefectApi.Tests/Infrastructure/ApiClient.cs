using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DefectApi.Tests.Infrastructure;

/// <summary>The calls an MES client makes, as the tests make them.</summary>
public static class ApiClient
{
    public static async Task<HttpResponseMessage> PostMultipartCsvAsync(this HttpClient client, string csv, string? name = "line3",
        string fileName = "line3.csv")
    {
        using var form = new MultipartFormDataContent();
        if (name is not null) form.Add(new StringContent(name), "name");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await client.PostAsync("/api/datasets", form);
    }

    public static async Task<JsonElement> UploadAsync(this HttpClient client, string csv, string name = "line3")
    {
        var response = await client.PostMultipartCsvAsync(csv, name);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> StartJobAsync(this HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/training-jobs", request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> WaitForJobAsync(this HttpClient client, string jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            var status = job.GetProperty("status").GetString();
            if (status is "succeeded" or "failed" or "canceled") return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} still {status}");
            await Task.Delay(100);
        }
    }

    /// <summary>Uploads, trains with small settings and returns the finished job.</summary>
    public static async Task<JsonElement> TrainAsync(this HttpClient client, string csv, string target, object? extra = null)
    {
        var dataset = await client.UploadAsync(csv);
        var request = new Dictionary<string, object?>
        {
            ["datasetId"] = dataset.GetProperty("id").GetString(), ["target"] = target,
            ["hiddenLayers"] = new[] { 16 }, ["epochs"] = 60, ["learningRate"] = 0.01, ["seed"] = 1,
        };
        if (extra is not null)
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject()) request[property.Name] = property.Value;
        var job = await client.StartJobAsync(request);
        var finished = await client.WaitForJobAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        return finished;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Asserts an RFC 9457 problem with the status, a title and a detail, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", body);
        return problem;
    }

    /// <summary>A deployment's answers without their predictionIds (new on every call), to compare what the models said.</summary>
    public static string WithoutPredictionIds(JsonElement predictions)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(predictions.GetRawText())!.AsArray();
        foreach (var prediction in copy) prediction!.AsObject().Remove("predictionId");
        return copy.ToJsonString();
    }
}
