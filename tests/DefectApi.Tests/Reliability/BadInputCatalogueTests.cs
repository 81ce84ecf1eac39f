using System.Net.Http.Headers;

namespace DefectApi.Tests.Reliability;

/// <summary>Malformed requests across every endpoint: each gets a 4xx problem+json, none a 500, and afterwards the
/// service predicts exactly as before.</summary>
public sealed class BadInputCatalogueTests(TrainedServiceFixture service) : IClassFixture<TrainedServiceFixture>
{
    sealed record Case(string Name, HttpMethod Method, string Path, HttpContent? Body = null);

    static StringContent Text(string body, string mediaType) => new(body, Encoding.UTF8, mediaType);
    static StringContent Json(string body) => ApiClient.Json(body);
    static ByteArrayContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        return content;
    }

    static MultipartFormDataContent Multipart(string csv, string? name = "x", string fileField = "file")
    {
        var form = new MultipartFormDataContent();
        if (name is not null) form.Add(new StringContent(name), "name");
        form.Add(new StringContent(csv, Encoding.UTF8, "text/csv"), fileField, "x.csv");
        return form;
    }

    static ByteArrayContent TruncatedMultipart()
    {
        var body = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: " +
            "text/csv\r\n\r\na,b\n1,2\n";
        return Bytes(Encoding.UTF8.GetBytes(body), "multipart/form-data; boundary=b0undary");
    }

    static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    IEnumerable<Case> Cases()
    {
        string dataset = service.DatasetId, model = service.BinaryModelId, regression = service.RegressionModelId;
        var unknown = Guid.NewGuid();
        var wideHeader = string.Join(',', Enumerable.Range(0, 10_001).Select(i => $"c{i}"));
        string Record(string values) => $"{{\"records\":[{{{values}}}]}}";
        const string Good = "\"Shift\":\"early\",\"Temperature [C]\":90,\"Speed [rpm]\":1800";

        // Datasets
        yield return new("upload with no content type", HttpMethod.Post, "/api/datasets", new ByteArrayContent([1, 2, 3]));
        yield return new("upload as JSON", HttpMethod.Post, "/api/datasets", Json("{\"csv\":\"a,b\"}"));
        yield return new("upload as XML", HttpMethod.Post, "/api/datasets", Text("<a/>", "application/xml"));
        yield return new("upload with garbage content type", HttpMethod.Post, "/api/datasets", Bytes([65], "a/b/c;;"));
        yield return new("empty CSV body", HttpMethod.Post, "/api/datasets", Text("", "text/csv"));
        yield return new("header only", HttpMethod.Post, "/api/datasets", Text("a,b,c\n", "text/csv"));
        yield return new("duplicate column names", HttpMethod.Post, "/api/datasets", Text("a,a\n1,2\n", "text/csv"));
        yield return new("empty column name", HttpMethod.Post, "/api/datasets", Text("a,,c\n1,2,3\n", "text/csv"));
        yield return new("too many fields", HttpMethod.Post, "/api/datasets", Text("a,b\n1,2\n1,2,3\n", "text/csv"));
        yield return new("too few fields", HttpMethod.Post, "/api/datasets", Text("a,b,c\n1,2,3\n1,2\n", "text/csv"));
        yield return new("unterminated quote", HttpMethod.Post, "/api/datasets", Text("a,b\n\"1,2\n3,4\n", "text/csv"));
        yield return new("PNG sent as CSV", HttpMethod.Post, "/api/datasets", Bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0,
            0, 13, 0x49, 0x48, 0x44, 0x52], "text/csv"));
        yield return new("zip sent as CSV", HttpMethod.Post, "/api/datasets", Bytes([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0,
            0, 0], "text/csv"));
        yield return new("single column", HttpMethod.Post, "/api/datasets", Text("a\n1\n2\n", "text/csv"));
        yield return new("more than 10,000 columns", HttpMethod.Post, "/api/datasets", Text(wideHeader + "\n" + string.Join(',',
            Enumerable.Repeat("1", 10_001)) + "\n", "text/csv"));
        yield return new("truncated multipart", HttpMethod.Post, "/api/datasets", TruncatedMultipart());
        yield return new("multipart without boundary", HttpMethod.Post, "/api/datasets", Bytes([65], "multipart/form-data"));
        yield return new("multipart without file part", HttpMethod.Post, "/api/datasets", Multipart("a,b\n1,2\n", fileField: "upload"));
        yield return new("unknown delimiter", HttpMethod.Post, "/api/datasets?delimiter=x", Text("a,b\n1,2\n", "text/csv"));
        yield return new("decimal separator equal to delimiter", HttpMethod.Post, "/api/datasets?delimiter=,&decimalSeparator=,",
            Text("a,b\n1,2\n", "text/csv"));
        yield return new("header injection in name", HttpMethod.Post, "/api/datasets?name=a%0D%0ASet-Cookie:%20x=1",
            Text("a,b\n1,2\n3,4\n", "text/csv"));
        yield return new("name too long", HttpMethod.Post, "/api/datasets", Multipart("a,b\n1,2\n3,4\n", new string('n', 300)));
        yield return new("dataset id not a GUID", HttpMethod.Get, "/api/datasets/not-a-guid");
        yield return new("unknown dataset", HttpMethod.Get, $"/api/datasets/{unknown}");
        yield return new("rows with negative offset", HttpMethod.Get, $"/api/datasets/{dataset}/rows?offset=-5");
        yield return new("rows with limit 0", HttpMethod.Get, $"/api/datasets/{dataset}/rows?limit=0");
        yield return new("rows with text limit", HttpMethod.Get, $"/api/datasets/{dataset}/rows?limit=abc");
        yield return new("rows of unknown dataset", HttpMethod.Get, $"/api/datasets/{unknown}/rows");
        yield return new("delete unknown dataset", HttpMethod.Delete, $"/api/datasets/{unknown}");
        yield return new("path traversal as dataset id", HttpMethod.Get, "/api/datasets/..%2F..%2Fetc%2Fpasswd");

        // Training jobs
        yield return new("empty job", HttpMethod.Post, "/api/training-jobs", Json("{}"));
        yield return new("truncated JSON", HttpMethod.Post, "/api/training-jobs", Json("{\"datasetId\":"));
        yield return new("JSON array job", HttpMethod.Post, "/api/training-jobs", Json("[1,2,3]"));
        yield return new("number as datasetId", HttpMethod.Post, "/api/training-jobs", Json("{\"datasetId\":123,\"target\":\"Defect\"}"));
        yield return new("text as datasetId", HttpMethod.Post, "/api/training-jobs", Json("{\"datasetId\":\"abc\",\"target\":\"Defect\"}"));
        yield return new("unknown datasetId", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{unknown}\",\"target\":\"Defect\"}}"));
        yield return new("unknown target", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"nope\"}}"));
        yield return new("SQL in target", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"x'; DROP TABLE Models;--\"}}"));
        yield return new("text epochs", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"epochs\":\"ten\"}}"));
        yield return new("zero epochs", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"epochs\":0}}"));
        yield return new("negative learning rate", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"learningRate\":-1}}"));
        yield return new("zero batch size", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"batchSize\":0}}"));
        yield return new("zero-unit layer", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"hiddenLayers\":[0]}}"));
        yield return new("dropout above 1", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"dropout\":1.5}}"));
        yield return new("validation fraction 0.9", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"validationFraction\":0.9}}"));
        yield return new("unknown activation", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"activation\":\"swish\"}}"));
        yield return new("unknown optimizer", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"optimizer\":\"lbfgs\"}}"));
        yield return new("unknown task", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"task\":\"clustering\"}}"));
        yield return new("unknown feature", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"features\":[\"nope\"]}}"));
        yield return new("unknown excluded column", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"exclude\":[\"nope\"]}}"));
        yield return new("model name with line break", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"Defect\",\"modelName\":\"a\\r\\nb\"}}"));
        yield return new("deeply nested job", HttpMethod.Post, "/api/training-jobs", Json(Nested(200)));
        yield return new("job as plain text", HttpMethod.Post, "/api/training-jobs", Text("datasetId=1", "text/plain"));
        yield return new("job body over 1 MB", HttpMethod.Post, "/api/training-jobs",
            Json($"{{\"datasetId\":\"{dataset}\",\"target\":\"{new string('x', 2 << 20)}\"}}"));
        yield return new("unknown job status filter", HttpMethod.Get, "/api/training-jobs?status=bogus");
        yield return new("unknown job", HttpMethod.Get, $"/api/training-jobs/{unknown}");
        yield return new("cancel unknown job", HttpMethod.Post, $"/api/training-jobs/{unknown}/cancel");
        yield return new("events of unknown job", HttpMethod.Get, $"/api/training-jobs/{unknown}/events");

        // Models
        yield return new("unknown model", HttpMethod.Get, $"/api/models/{unknown}");
        yield return new("delete unknown model", HttpMethod.Delete, $"/api/models/{unknown}");
        yield return new("empty threshold", HttpMethod.Put, $"/api/models/{model}/threshold", Json("{}"));
        yield return new("threshold above 1", HttpMethod.Put, $"/api/models/{model}/threshold", Json("{\"threshold\":2}"));
        yield return new("text threshold", HttpMethod.Put, $"/api/models/{model}/threshold", Json("{\"threshold\":\"high\"}"));
        yield return new("threshold and costs", HttpMethod.Put, $"/api/models/{model}/threshold",
            Json("{\"threshold\":0.5,\"falsePositiveCost\":1,\"falseNegativeCost\":2}"));
        yield return new("negative cost", HttpMethod.Put, $"/api/models/{model}/threshold",
            Json("{\"falsePositiveCost\":-1,\"falseNegativeCost\":2}"));
        yield return new("threshold on regression model", HttpMethod.Put, $"/api/models/{regression}/threshold",
            Json("{\"threshold\":0.5}"));

        // Predictions
        yield return new("predict with unknown model", HttpMethod.Post, $"/api/models/{unknown}/predict", Json(Record(Good)));
        yield return new("predict empty object", HttpMethod.Post, $"/api/models/{model}/predict", Json("{}"));
        yield return new("records not an array", HttpMethod.Post, $"/api/models/{model}/predict", Json("{\"records\":5}"));
        yield return new("records of numbers", HttpMethod.Post, $"/api/models/{model}/predict", Json("{\"records\":[1,2]}"));
        yield return new("no records", HttpMethod.Post, $"/api/models/{model}/predict", Json("{\"records\":[]}"));
        yield return new("missing input", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":90")));
        yield return new("text in numeric input", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":\"hot\",\"Speed [rpm]\":1800")));
        yield return new("SQL in numeric input", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":\"1; DROP TABLE Models\",\"Speed [rpm]\":1800")));
        yield return new("NaN literal", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":NaN,\"Speed [rpm]\":1800")));
        yield return new("Infinity literal", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":Infinity,\"Speed [rpm]\":1800")));
        yield return new("number overflowing to infinity", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":1e400,\"Speed [rpm]\":1800")));
        yield return new("NaN as text", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":\"early\",\"Temperature [C]\":\"NaN\",\"Speed [rpm]\":1800")));
        yield return new("nested object value", HttpMethod.Post, $"/api/models/{model}/predict",
            Json(Record("\"Shift\":{\"a\":1},\"Temperature [C]\":90,\"Speed [rpm]\":1800")));
        yield return new("deeply nested predict", HttpMethod.Post, $"/api/models/{model}/predict", Json(Nested(100)));
        yield return new("invalid UTF-8", HttpMethod.Post, $"/api/models/{model}/predict", Bytes([.. "{\"records\":[{\"Shift\":\""u8, 0xC3,
            0x28, .. "\"}]}"u8], "application/json"));
        yield return new("more records than the limit", HttpMethod.Post, $"/api/models/{model}/predict",
            Json("{\"records\":[" + string.Join(',', Enumerable.Repeat($"{{{Good}}}", 10_001)) + "]}"));
        yield return new("predict as XML", HttpMethod.Post, $"/api/models/{model}/predict", Text("<records/>", "application/xml"));
        yield return new("CSV missing an input column", HttpMethod.Post, $"/api/models/{model}/predict",
            Text("Shift,Temperature [C]\nearly,90\n", "text/csv"));

        // Deployments
        yield return new("deployment name with SQL", HttpMethod.Put, "/api/deployments/x';DROP TABLE Models;--",
            Json($"{{\"modelId\":\"{model}\"}}"));
        yield return new("deployment name with path traversal", HttpMethod.Put, "/api/deployments/..%2F..%2Fetc",
            Json($"{{\"modelId\":\"{model}\"}}"));
        yield return new("deployment name too long", HttpMethod.Put, $"/api/deployments/{new string('d', 150)}",
            Json($"{{\"modelId\":\"{model}\"}}"));
        yield return new("deployment without modelId", HttpMethod.Put, "/api/deployments/line9", Json("{}"));
        yield return new("deployment with text modelId", HttpMethod.Put, "/api/deployments/line9", Json("{\"modelId\":\"abc\"}"));
        yield return new("deployment of unknown model", HttpMethod.Put, "/api/deployments/line9", Json($"{{\"modelId\":\"{unknown}\"}}"));
        yield return new("unknown deployment", HttpMethod.Get, "/api/deployments/nowhere");
        yield return new("delete unknown deployment", HttpMethod.Delete, "/api/deployments/nowhere");
        yield return new("predict through unknown deployment", HttpMethod.Post, "/api/deployments/nowhere/predict", Json(Record(Good)));

        // Routes and methods
        yield return new("unknown route", HttpMethod.Get, "/api/nothing");
        yield return new("unknown method on datasets", HttpMethod.Patch, "/api/datasets");
        yield return new("delete on the models list", HttpMethod.Delete, "/api/models");
        yield return new("get on predict", HttpMethod.Get, $"/api/models/{model}/predict");
    }

    [Fact]
    public async Task EveryMalformedRequestGetsA4xxProblemAndTheServiceKeepsPredicting()
    {
        var client = service.Client;
        var before = await service.PredictReferenceAsync();
        var failures = new List<string>();
        var count = 0;
        foreach (var c in Cases())
        {
            count++;
            using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body };
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (status is < 400 or > 499 || !problem || !HasTitle(body) || body.Contains("   at "))
                failures.Add($"{c.Name}: {status} {response.Content.Headers.ContentType?.MediaType} {body[..Math.Min(200, body.Length)]}");
        }

        Assert.True(count >= 60, $"only {count} cases");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await service.PredictReferenceAsync());
        var datasets = JsonDocument.Parse(await client.GetStringAsync("/api/datasets")).RootElement.GetProperty("items");
        Assert.Equal(2, datasets.GetArrayLength());
    }

    static bool HasTitle(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.GetProperty("title").GetString() is { Length: > 0 }; }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return false; }
    }
}
