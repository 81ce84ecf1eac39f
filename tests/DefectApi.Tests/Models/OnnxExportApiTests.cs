using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DefectApi.Tests.Models;

/// <summary>GET /api/models/{id}/onnx: the file ONNX Runtime scores as POST …/predict does, 404 for an unknown model and
/// 409 naming the step for a model the export refuses.</summary>
public sealed class OnnxExportApiTests() : ServiceOnProvider(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task TheDownloadedFileScoresAsThePredictRouteDoes()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 5, ensembleSize = 2, modelName = "line3" });
        var modelId = job.GetProperty("modelId").GetString();

        var response = await Client.GetAsync($"/api/models/{modelId}/onnx");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("line3-v1.onnx", response.Content.Headers.ContentDisposition?.FileName);
        using var session = new InferenceSession(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("line3", session.ModelMetadata.CustomMetadataMap["name"]);
        using var results = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("Shift", new DenseTensor<string>(new[] { "late", "" }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("Temperature [C]", new DenseTensor<double>(new[] { 91.5, 70.25 }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("Speed [rpm]", new DenseTensor<double>(new[] { 1800.0, double.NaN }, [2, 1])),
        ]);
        var onnx = results.Single(r => r.Name == "probability").AsTensor<double>().ToArray();

        var predicted = await Client.PostAsJsonAsync($"/api/models/{modelId}/predict", new
        {
            records = new object[]
            {
                new Dictionary<string, object?> { ["Shift"] = "late", ["Temperature [C]"] = 91.5, ["Speed [rpm]"] = 1800.0 },
                new Dictionary<string, object?> { ["Shift"] = null, ["Temperature [C]"] = 70.25, ["Speed [rpm]"] = null },
            },
        });
        var service = (await predicted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("probability").GetDouble()).ToArray();
        Assert.Equal(service.Length, onnx.Length);
        for (int i = 0; i < onnx.Length; i++) Assert.True(Math.Abs(onnx[i] - service[i]) <= 1e-5,
            $"record {i}: ONNX {onnx[i]}, service {service[i]}");
    }

    [Fact]
    public async Task TheRouteDocumentsTheFileAndBothProblems()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var responses = document.GetProperty("paths").GetProperty("/api/models/{id}/onnx").GetProperty("get").GetProperty("responses");
        Assert.True(responses.GetProperty("200").GetProperty("content").TryGetProperty("application/octet-stream", out _));
        Assert.True(responses.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(responses.GetProperty("409").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task AnUnknownModelIsNotFound()
    {
        var problem = await (await Client.GetAsync($"/api/models/{Guid.NewGuid()}/onnx")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("Model not found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task AColumnNamedLikeAnOutputIsAConflictNamingTheStep()
    {
        var csv = TestData.DefectsCsv().Replace("Temperature [C]", "label", StringComparison.Ordinal);
        var job = await Client.TrainAsync(csv, "Defect", new { epochs = 2, ensembleSize = 1 });

        var problem = await (await Client.GetAsync($"/api/models/{job.GetProperty("modelId").GetString()}/onnx"))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("input names", problem.GetProperty("step").GetString());
        Assert.Contains("'label'", problem.GetProperty("detail").GetString());
    }
}
