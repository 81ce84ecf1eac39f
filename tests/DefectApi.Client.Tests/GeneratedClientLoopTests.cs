using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DefectApi.Client;
using DefectApi.Client.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace DefectApi.Client.Tests;

/// <summary>An integrator's first hour, with nothing but the client Kiota generated from the service's OpenAPI
/// document: upload a CSV as multipart, train, poll the job, read the model and its metrics as typed values, deploy,
/// predict. No hand-written HTTP or JSON.</summary>
public sealed class GeneratedClientLoopTests : IDisposable
{
    readonly ServiceFactory _service = new();
    readonly DefectApiClient _client;

    public GeneratedClientLoopTests()
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _service.CreateClient())
        {
            BaseUrl = _service.Server.BaseAddress.ToString().TrimEnd('/'),
        };
        _client = new DefectApiClient(adapter);
    }

    public void Dispose() => _service.Dispose();

    /// <summary>Defect = 1 when temperature and speed are both high.</summary>
    static string DefectsCsv()
    {
        var random = new Random(7);
        var csv = new StringBuilder("Shift,Temperature [C],Speed [rpm],Defect\n");
        for (var i = 0; i < 300; i++)
        {
            var temperature = 60 + random.NextDouble() * 40;
            var speed = 1000 + random.NextDouble() * 1000;
            var shift = (i % 3) switch { 0 => "early", 1 => "late", _ => "night" };
            csv.Append(CultureInfo.InvariantCulture, $"{shift},{temperature:F2},{speed:F1},{(temperature > 85 && speed > 1500 ? 1 : 0)}\n");
        }
        return csv.ToString();
    }

    [Fact]
    public async Task UploadTrainDeployAndPredictWithTheGeneratedClientOnly()
    {
        var upload = new MultipartBody();
        upload.AddOrReplacePart("name", "text/plain", "line3");
        upload.AddOrReplacePart("file", "text/csv", new MemoryStream(Encoding.UTF8.GetBytes(DefectsCsv())), "line3.csv");
        var dataset = await _client.Api.Datasets.PostAsync(upload);
        Assert.NotNull(dataset);
        Assert.Equal(300, dataset.RowCount);
        Assert.Contains(dataset.Columns!, c => c.Name == "Temperature [C]" && c.Type == "numeric");

        var job = await _client.Api.TrainingJobs.PostAsync(new TrainingJobRequest
        {
            DatasetId = dataset.Id, Target = "Defect", HiddenLayers = [16], Epochs = 40, EnsembleSize = 1, LearningRate = 0.01, Seed = 1,
            Activation = ActivationName.Leaky_relu, Optimizer = OptimizerName.Adam, Task = TrainingTask.Binary,
        });
        Assert.Equal(JobStatus.Queued, job!.Status);
        Assert.Equal(ActivationName.Leaky_relu, job.Request!.Activation);

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (job!.Status is JobStatus.Queued or JobStatus.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not finish in time");
            await Task.Delay(100);
            job = await _client.Api.TrainingJobs[job.Id!.Value].GetAsync();
        }
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(40, job.Progress!.Epochs);

        var model = await _client.Api.Models[job.ModelId!.Value].GetAsync();
        Assert.Equal(ModelTask.Binary, model!.Task);
        Assert.Equal("Defect", model.Target);
        Assert.InRange(model.Metrics!.Auc!.Value, 0.8, 1.0);
        Assert.InRange(model.Metrics.F1!.Value, 0.0, 1.0);
        // Kiota types an array of arrays as an untyped node; its rows are still there, as numbers.
        var matrix = Assert.IsType<UntypedArray>(model.Metrics.ConfusionMatrix).GetValue().Cast<UntypedArray>().ToList();
        Assert.Equal(2, matrix.Count);
        Assert.Null(model.Metrics.Rmse);
        Assert.Equal(40, model.History!.Count);

        var deployment = await _client.Api.Deployments["line3"].PutAsync(new DeploymentRequest { ModelId = model.Id });
        Assert.Equal(model.Id, deployment!.ModelId);

        var hot = new PredictRequest_records();
        hot.AdditionalData["Shift"] = "early";
        hot.AdditionalData["Temperature [C]"] = 95.0;
        hot.AdditionalData["Speed [rpm]"] = 1900.0;
        var cold = new PredictRequest_records();
        cold.AdditionalData["Shift"] = "night";
        cold.AdditionalData["Temperature [C]"] = 62.0;
        cold.AdditionalData["Speed [rpm]"] = 1100.0;
        var answer = await _client.Api.Deployments["line3"].Predict.PostAsync(new PredictRequest { Records = [hot, cold] },
            request => request.QueryParameters.Explain = true);

        Assert.Equal(model.Id, answer!.ModelId);
        Assert.Equal(2, answer.Predictions!.Count);
        Assert.True(answer.Predictions[0].Defect);
        Assert.False(answer.Predictions[1].Defect);
        Assert.True(answer.Predictions[0].Probability > answer.Predictions[1].Probability);
        Assert.NotEmpty(answer.Predictions[0].Reasons!);
        Assert.Null(answer.Predictions[0].Value);
    }

    [Fact]
    public async Task TheClientWasGeneratedFromTheDocumentTheServiceServes()
    {
        var served = JsonNode.Parse(await _service.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        var generatedFrom = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory,
            "generated-from.openapi.json")))!.AsObject();

        // Only the server address differs: the build has no request to take it from.
        served.Remove("servers");
        generatedFrom.Remove("servers");
        Assert.True(JsonNode.DeepEquals(served, generatedFrom), "the generated client is older than the service's document: rebuild");
        Assert.Contains("/api/deployments/{name}/predict", served["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task AProblemArrivesAsATypedExceptionWithItsFields()
    {
        var refused = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => _client.Api.TrainingJobs.PostAsync(
            new TrainingJobRequest()));

        Assert.Equal(400, refused.ResponseStatusCode);
        Assert.Contains("datasetId", refused.Errors!.AdditionalData.Keys);
        Assert.Contains("target", refused.Errors.AdditionalData.Keys);

        var missing = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.Models[Guid.NewGuid()].GetAsync());
        Assert.Equal(404, missing.Status);
        Assert.Contains("GET /api/models", missing.Detail);
    }
}
