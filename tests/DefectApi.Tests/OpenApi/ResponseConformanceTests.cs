using System.Net.Http.Headers;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace DefectApi.Tests.OpenApi;

/// <summary>A client generated from /openapi/v1.json trusts it for every answer: this drives the service through each
/// route with binary, regression and multiclass models, in success and in every kind of failure, and checks each real
/// answer against the document's schema for its route, status and content type.</summary>
public sealed class ResponseConformanceTests(ITestOutputHelper output) : IDisposable
{
    readonly List<Exchange> _exchanges = [];
    readonly List<ApiFactory> _factories = [];

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
    }

    (HttpClient Recorded, HttpClient Plain) Service(Dictionary<string, string?>? settings = null)
    {
        var factory = new ApiFactory(settings);
        _factories.Add(factory);
        return (factory.CreateDefaultClient(new RecordingHandler(_exchanges)), factory.CreateClient());
    }

    static async Task<JsonElement> Expect(int status, Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: " +
            $"expected {status}, got {(int)response.StatusCode} {body}");
        return response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.Ordinal)
            ? JsonDocument.Parse(body).RootElement : default;
    }

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    static MultipartFormDataContent Upload(string csv, string name)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent(name), "name" }, { file, "file", name + ".csv" } };
    }

    sealed record Kind(string Csv, string Target, string Record, string CsvRecords, string Optimize, string Sensitivity);

    static readonly Kind Binary = new(TestData.DefectsCsv(rows: 300), "Defect",
        """{"Shift":"early","Temperature [C]":91.5,"Speed [rpm]":1720}""",
        "Shift,Temperature [C],Speed [rpm]\nearly,91.5,1720\nnight,64,1210\n",
        "\"goal\":\"minimize\",\"adjust\":[{\"column\":\"Speed [rpm]\",\"step\":10}]", "column=Speed%20%5Brpm%5D&points=5");

    static readonly Kind Regression = new(TestData.EfficiencyCsv(rows: 150), "efficiency",
        """{"team":"T1","workers":30,"smv":12.5}""", "team,workers,smv\nT1,30,12.5\nT2,44,30\n",
        "\"goal\":\"maximize\",\"adjust\":[{\"column\":\"workers\",\"min\":10,\"max\":59,\"step\":1}]", "column=workers&points=5");

    static readonly Kind Multiclass = new(TestData.SurfaceDefectsCsv(), "class",
        """{"roughness":7.1,"height":1.0,"line":"L0"}""", "roughness,height,line\n7.1,1.0,L0\n2.0,4.2,L1\n",
        "\"goal\":\"maximize\",\"targetClass\":\"Clean\",\"adjust\":[{\"column\":\"roughness\",\"step\":0.5}]",
        "column=roughness&points=5&targetClass=Clean");

    [Fact]
    public async Task EveryAnswerMatchesTheServedDocumentForItsRouteStatusAndContentType()
    {
        var (api, plain) = Service(new() { ["Predictions:MaxRecords"] = "50" });
        var contract = new OpenApiContract(await plain.GetStringAsync("/openapi/v1.json"));

        var binary = await TrainAsync(api, Binary, "binary");
        var regression = await TrainAsync(api, Regression, "regression");
        var multiclass = await TrainAsync(api, Multiclass, "multiclass");
        foreach (var (kind, model) in new[] { (Binary, binary), (Regression, regression), (Multiclass, multiclass) })
            await UseModelAsync(api, kind, model);
        await FailuresAsync(api, binary, regression);
        await BundlesAsync(api, plain, multiclass);
        await DeploymentsAsync(api, binary, regression);
        await JobsAsync(api, binary);
        await KeysAndAuditAsync(Service().Recorded);
        await PipelineRefusalsAsync();

        var problems = _exchanges.SelectMany(contract.Check).ToList();
        output.WriteLine($"{_exchanges.Count} answers checked, {_exchanges.Select(e => $"{e.Method} {e.Status}").Distinct().Count()} " +
            "kinds of method and status");
        Assert.True(problems.Count == 0, $"{problems.Count} of {_exchanges.Count} answers do not match the document:\n" +
            string.Join("\n", problems));
        var statuses = _exchanges.Select(e => e.Status).ToHashSet();
        foreach (var status in new[] { 200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 415, 429, 503 })
            Assert.True(statuses.Contains(status), $"no answer with status {status} was checked");
        foreach (var type in new[] { "application/json", "application/problem+json", "text/csv", "text/event-stream" })
            Assert.Contains(_exchanges, e => e.MediaType == type);
    }

    /// <summary>Uploads (multipart, then the same bytes again, or a raw text/csv body), trains a small model, follows
    /// the job, and answers the model's id.</summary>
    static async Task<string> TrainAsync(HttpClient api, Kind kind, string name)
    {
        var dataset = name == "regression"
            ? await Expect(201, api.PostAsync($"/api/datasets?name={name}", Csv(kind.Csv)))
            : await Expect(201, api.PostAsync("/api/datasets", Upload(kind.Csv, name)));
        var datasetId = dataset.GetProperty("id").GetString();
        if (name == "binary") await Expect(200, api.PostAsync("/api/datasets", Upload(kind.Csv, name)));
        await Expect(200, api.GetAsync($"/api/datasets/{datasetId}"));
        await Expect(200, api.GetAsync($"/api/datasets/{datasetId}/rows?offset=5&limit=3"));
        var job = await Expect(202, api.PostAsync("/api/training-jobs", Json($$"""
            { "datasetId": "{{datasetId}}", "target": "{{kind.Target}}", "hiddenLayers": [8], "epochs": 8, "ensembleSize": 1,
              "learningRate": 0.01, "seed": 1, "modelName": "{{name}}" }
            """)));
        var jobId = job.GetProperty("id").GetString();
        var finished = await WaitAsync(api, jobId!, "succeeded");
        await Expect(200, api.GetAsync($"/api/training-jobs/{jobId}/events"));
        return finished.GetProperty("modelId").GetString()!;
    }

    static async Task<JsonElement> WaitAsync(HttpClient api, string jobId, string until)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var job = await Expect(200, api.GetAsync($"/api/training-jobs/{jobId}"));
            if (job.GetProperty("status").GetString() == until) return job;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is still {job.GetProperty("status")}");
            await Task.Delay(100);
        }
    }

    static async Task UseModelAsync(HttpClient api, Kind kind, string model)
    {
        await Expect(200, api.GetAsync($"/api/models/{model}"));
        await Expect(200, api.PostAsync($"/api/models/{model}/predict", Json($$"""{"records":[{{kind.Record}}]}""")));
        await Expect(200, api.PostAsync($"/api/models/{model}/predict?explain=true&top=2", Json($$"""{"records":[{{kind.Record}}]}""")));
        await Expect(200, api.PostAsync($"/api/models/{model}/predict", Csv(kind.CsvRecords)));
        await Expect(200, api.PostAsync($"/api/models/{model}/optimize", Json($$"""{"record":{{kind.Record}},{{kind.Optimize}}}""")));
        await Expect(200, api.GetAsync($"/api/models/{model}/sensitivity?{kind.Sensitivity}"));
    }

    static async Task FailuresAsync(HttpClient api, string binary, string regression)
    {
        var unknown = Guid.NewGuid();
        await Expect(200, api.GetAsync("/api/datasets"));
        await Expect(200, api.GetAsync("/api/models"));
        await Expect(415, api.PostAsync("/api/datasets", Json("{}")));
        await Expect(400, api.PostAsync("/api/datasets", new MultipartFormDataContent { { new StringContent("x"), "name" } }));
        await Expect(400, api.PostAsync("/api/datasets", Upload("a,b,c\n1,2,3\n4,5\n", "ragged")));
        await Expect(404, api.GetAsync($"/api/datasets/{unknown}"));
        await Expect(400, api.GetAsync($"/api/datasets/{unknown}/rows?offset=-1"));
        await Expect(404, api.GetAsync($"/api/datasets/{unknown}/rows"));
        await Expect(404, api.DeleteAsync($"/api/datasets/{unknown}"));

        await Expect(400, api.PostAsync("/api/training-jobs", Json("{}")));
        await Expect(415, api.PostAsync("/api/training-jobs", new StringContent("{}", Encoding.UTF8, "text/plain")));
        await Expect(400, api.PostAsync("/api/training-jobs", Json($$"""{"datasetId":"{{unknown}}","target":"x","task":"clustering"}""")));
        await Expect(400, api.PostAsync("/api/training-jobs", Json($$"""{"datasetId":"{{unknown}}","target":"x","epochs":"5"}""")));
        await Expect(400, api.PostAsync("/api/training-jobs", Json($$"""{"datasetId":"{{unknown}}","target":"x"}""")));

        await Expect(404, api.GetAsync($"/api/models/{unknown}"));
        await Expect(200, api.PutAsync($"/api/models/{binary}/threshold", Json("""{"threshold":0.4}""")));
        await Expect(200, api.PutAsync($"/api/models/{binary}/threshold", Json("""{"falsePositiveCost":1,"falseNegativeCost":20}""")));
        await Expect(400, api.PutAsync($"/api/models/{binary}/threshold", Json("""{"threshold":2}""")));
        await Expect(400, api.PutAsync($"/api/models/{regression}/threshold", Json("""{"threshold":0.5}""")));
        await Expect(404, api.PutAsync($"/api/models/{unknown}/threshold", Json("""{"threshold":0.5}""")));
        await Expect(413, api.PutAsync($"/api/models/{binary}/threshold",
            Json($$"""{"threshold":0.5,"pad":"{{new string('x', 1_100_000)}}"}""")));

        await Expect(400, api.PostAsync($"/api/models/{binary}/predict", Json("""{"records":[{"Shift":"early"}]}""")));
        await Expect(400, api.PostAsync($"/api/models/{binary}/predict", Csv("Shift\nearly\n")));
        await Expect(400, api.PostAsync($"/api/models/{binary}/predict?top=99", Json($$"""{"records":[{{Binary.Record}}]}""")));
        await Expect(415, api.PostAsync($"/api/models/{binary}/predict", new StringContent("<records/>", Encoding.UTF8,
            "application/xml")));
        var many = string.Join(",", Enumerable.Repeat(Binary.Record, 51));
        await Expect(413, api.PostAsync($"/api/models/{binary}/predict", Json($$"""{"records":[{{many}}]}""")));
        await Expect(404, api.PostAsync($"/api/models/{unknown}/predict", Json($$"""{"records":[{{Binary.Record}}]}""")));
        await Expect(400, api.PostAsync($"/api/models/{binary}/optimize", Json("""{"goal":"sideways"}""")));
        await Expect(404, api.PostAsync($"/api/models/{unknown}/optimize", Json($$"""{"record":{{Binary.Record}},{{Binary.Optimize}}}""")));
        await Expect(400, api.GetAsync($"/api/models/{binary}/sensitivity?column=Nope"));
        await Expect(404, api.GetAsync($"/api/models/{unknown}/sensitivity?column=x"));
    }

    static async Task BundlesAsync(HttpClient api, HttpClient plain, string model)
    {
        var bundle = new ByteArrayContent(await plain.GetByteArrayAsync($"/api/models/{model}/bundle"));
        bundle.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await Expect(200, api.GetAsync($"/api/models/{model}/bundle"));
        await Expect(404, api.GetAsync($"/api/models/{Guid.NewGuid()}/bundle"));
        await Expect(201, api.PostAsync("/api/models/import", bundle));
        await Expect(400, api.PostAsync("/api/models/import", new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]),
            "file", "x.dabundle" } }));
        await Expect(415, api.PostAsync("/api/models/import", Csv("a,b\n1,2\n")));
    }

    static async Task DeploymentsAsync(HttpClient api, string binary, string regression)
    {
        await Expect(200, api.PutAsJsonAsync("/api/deployments/line3", new { modelId = binary }));
        await Expect(200, api.GetAsync("/api/deployments"));
        await Expect(200, api.GetAsync("/api/deployments/line3"));
        await Expect(200, api.PostAsync("/api/deployments/line3/predict", Json($$"""{"records":[{{Binary.Record}}]}""")));
        await Expect(200, api.PostAsync("/api/deployments/line3/predict", Csv(Binary.CsvRecords)));
        await Expect(200, api.PostAsync("/api/deployments/line3/optimize", Json($$"""{"record":{{Binary.Record}},{{Binary.Optimize}}}""")));
        await Expect(200, api.GetAsync($"/api/deployments/line3/sensitivity?{Binary.Sensitivity}"));
        await Expect(400, api.PutAsJsonAsync("/api/deployments/..%2Fetc", new { modelId = binary }));
        await Expect(400, api.PutAsJsonAsync("/api/deployments/line4", new { modelId = Guid.NewGuid() }));
        await Expect(404, api.GetAsync("/api/deployments/nowhere"));
        await Expect(404, api.PostAsync("/api/deployments/nowhere/predict", Json($$"""{"records":[{{Binary.Record}}]}""")));
        await Expect(404, api.PostAsync("/api/deployments/nowhere/optimize",
            Json($$"""{"record":{{Binary.Record}},{{Binary.Optimize}}}""")));
        await Expect(404, api.GetAsync($"/api/deployments/nowhere/sensitivity?{Binary.Sensitivity}"));
        await Expect(409, api.DeleteAsync($"/api/models/{binary}"));
        await Expect(204, api.DeleteAsync("/api/deployments/line3"));
        await Expect(404, api.DeleteAsync("/api/deployments/line3"));
        await Expect(204, api.DeleteAsync($"/api/models/{regression}"));
        await Expect(404, api.DeleteAsync($"/api/models/{regression}"));
    }

    /// <summary>A job that cannot finish soon: its dataset cannot be deleted until it is canceled.</summary>
    static async Task JobsAsync(HttpClient api, string binary)
    {
        var unknown = Guid.NewGuid();
        var model = await Expect(200, api.GetAsync($"/api/models/{binary}"));
        var datasetId = model.GetProperty("datasetId").GetString();
        var job = await Expect(202, api.PostAsync("/api/training-jobs", Json($$"""
            {"datasetId":"{{datasetId}}","target":"Defect","epochs":10000,"earlyStoppingPatience":0,"ensembleSize":1,
             "hiddenLayers":[512,512],"batchSize":1}
            """)));
        var jobId = job.GetProperty("id").GetString()!;
        await Expect(409, api.DeleteAsync($"/api/datasets/{datasetId}"));
        await Expect(200, api.GetAsync("/api/training-jobs"));
        await Expect(200, api.GetAsync("/api/training-jobs?status=succeeded"));
        await Expect(400, api.GetAsync("/api/training-jobs?status=sleeping"));
        await Expect(404, api.GetAsync($"/api/training-jobs/{unknown}"));
        await Expect(404, api.GetAsync($"/api/training-jobs/{unknown}/events"));
        await Expect(404, api.PostAsync($"/api/training-jobs/{unknown}/cancel", null));
        await Expect(400, api.PostAsync($"/api/training-jobs/{jobId}/cancel?keepBest=perhaps", null));
        await Expect(202, api.PostAsync($"/api/training-jobs/{jobId}/cancel", null));
        await WaitAsync(api, jobId, "canceled");
        await Expect(409, api.PostAsync($"/api/training-jobs/{jobId}/cancel", null));
        await Expect(204, api.DeleteAsync($"/api/datasets/{datasetId}"));
    }

    /// <summary>On a service of their own, which the first key closes: keys created, refused, listed and revoked, and the
    /// audit trail they leave.</summary>
    static async Task KeysAndAuditAsync(HttpClient api)
    {
        await Expect(400, api.PostAsync("/api/keys", Json("""{"name":"line3","scopes":["predict"]}""")));
        var admin = await Expect(201, api.PostAsync("/api/keys", Json("""{"name":"ops","scopes":["admin"]}""")));
        api.DefaultRequestHeaders.Add("X-Api-Key", admin.GetProperty("key").GetString());
        await Expect(201, api.PostAsync("/api/keys", Json("""{"name":"line3","scopes":["predict","train"]}""")));
        await Expect(409, api.PostAsync("/api/keys", Json("""{"name":"line3","scopes":["predict"]}""")));
        await Expect(400, api.PostAsync("/api/keys", Json("""{"name":"line 4","scopes":["root"]}""")));
        await Expect(200, api.GetAsync("/api/keys"));
        await Expect(204, api.DeleteAsync("/api/keys/line3"));
        await Expect(404, api.DeleteAsync("/api/keys/line3"));
        await Expect(409, api.DeleteAsync("/api/keys/ops"));
        await Expect(200, api.GetAsync("/api/audit?limit=2"));
        await Expect(200, api.GetAsync("/api/audit?target=keys/line3&from=2026-01-01T00:00:00Z"));
        await Expect(400, api.GetAsync("/api/audit?limit=0"));
    }

    /// <summary>What the pipeline answers before a handler runs: keys and scopes, the rate limit, a full database.</summary>
    async Task PipelineRefusalsAsync()
    {
        const string predictKey = "predict-key-for-conformance";
        var (secured, _) = Service(new()
        {
            ["Auth:ApiKeys:0:Name"] = "mes", ["Auth:ApiKeys:0:Scopes:0"] = "predict",
            ["Auth:ApiKeys:0:Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(predictKey))),
        });
        await Expect(401, secured.GetAsync("/api/models"));
        secured.DefaultRequestHeaders.Add("X-Api-Key", predictKey);
        await Expect(200, secured.GetAsync("/api/models"));
        await Expect(403, secured.GetAsync("/api/datasets"));
        await Expect(403, secured.DeleteAsync($"/api/models/{Guid.NewGuid()}"));

        var (limited, _) = Service(new()
        {
            ["RateLimiting:PermitsPerSecond"] = "1", ["RateLimiting:Burst"] = "1",
            ["RateLimiting:PerAddressWhenOpen"] = "true"
        });
        var answers = new List<int>();
        for (var i = 0; i < 3; i++) answers.Add((int)(await limited.GetAsync("/api/models")).StatusCode);
        Assert.Contains(429, answers);

        var (full, _) = Service(new() { ["Storage:MaxDatabaseBytes"] = (1 << 20).ToString() });
        var big = new StringBuilder("a,b,c,d\n");
        for (var i = 0; i < 60_000; i++) big.Append(i).Append(',').Append(i * 0.37).Append(',').Append(i % 11).Append(',')
            .Append(i * 1.5).Append('\n');
        await Expect(503, full.PostAsync("/api/datasets?name=big", Csv(big.ToString())));
    }
}
