namespace DefectApi.Tests.OpenApi;

/// <summary>What client generators need from the document beyond what the linters count as errors.</summary>
public sealed class DocumentShapeTests(ServedDocument served) : IClassFixture<ServedDocument>
{
    readonly JsonElement _document = JsonDocument.Parse(served.Text).RootElement;

    IEnumerable<(string Route, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Select(operation => ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)));

    JsonElement Schema(string name) => _document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    [Fact]
    public void EveryOperationHasAUniqueOperationIdADescriptionAndThePipelinesAnswers()
    {
        var ids = new HashSet<string>();
        foreach (var (route, operation) in Operations())
        {
            Assert.True(ids.Add(operation.GetProperty("operationId").GetString()!), $"{route}: operationId repeated");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()), route);
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429", "503" })
                Assert.True(responses.TryGetProperty(status, out var answer) &&
                    answer.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{route}: {status}");
        }
        Assert.True(ids.Count >= 24, $"{ids.Count} operations");
    }

    [Fact]
    public void ChoicesAreEnumsWithTheirWireNames()
    {
        Assert.Equal(["auto", "binary", "multiclass", "regression"], Values("TrainingTask"));
        Assert.Equal(["relu", "leaky_relu", "tanh", "sigmoid"], Values("ActivationName"));
        Assert.Equal(["sgd", "momentum", "nesterov", "adam", "adamw"], Values("OptimizerName"));
        Assert.Equal(["queued", "running", "succeeded", "failed", "canceled"], Values("JobStatus"));
        Assert.Equal(["binary", "multiclass", "regression"], Values("ModelTask"));
        Assert.Equal("#/components/schemas/JobStatus", Schema("TrainingJobResponse").GetProperty("properties").GetProperty("status")
            .GetProperty("$ref").GetString());
    }

    string[] Values(string name) => Schema(name).GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Fact]
    public void OnlyDatasetIdAndTargetAreRequiredToTrain() =>
        Assert.Equal(["datasetId", "target"], Schema("TrainingJobRequest").GetProperty("required").EnumerateArray()
            .Select(v => v.GetString()).Order());

    [Fact]
    public void NumbersAreNeverNumericStrings()
    {
        var numbers = 0;
        void Walk(JsonElement node, string at)
        {
            if (node.ValueKind == JsonValueKind.Array) foreach (var item in node.EnumerateArray()) Walk(item, at);
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.TryGetProperty("format", out var format) && format.GetString() is "int32" or "int64" or "double")
            {
                numbers++;
                Assert.DoesNotContain("string", node.GetProperty("type").ToString());
                Assert.False(node.TryGetProperty("pattern", out _), at);
            }
            foreach (var property in node.EnumerateObject()) Walk(property.Value, $"{at}/{property.Name}");
        }
        Walk(_document, "");
        Assert.True(numbers > 50, $"{numbers} numbers");
    }

    [Fact]
    public void TheUploadAndThePredictionsDescribeMultipartAndCsv()
    {
        var upload = _document.GetProperty("paths").GetProperty("/api/datasets").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content");
        var multipart = upload.GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", multipart.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Equal("file", multipart.GetProperty("required")[0].GetString());
        Assert.True(upload.TryGetProperty("text/csv", out _));
        var predict = _document.GetProperty("paths").GetProperty("/api/deployments/{name}/predict").GetProperty("post");
        Assert.True(predict.GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));
        Assert.True(predict.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _));
        Assert.Contains(predict.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "explain");
    }
}
