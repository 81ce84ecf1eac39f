using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DefectApi.Tests.Models;

/// <summary>A model moved between two installations on the same provider by its bundle. Runs on both providers:
/// <see cref="ModelBundleTestsOnSqlite"/> and <see cref="ModelBundleTestsOnPostgres"/>.</summary>
public abstract class ModelBundleTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    /// <summary>Known, missing and never-seen values: the whole preprocessing takes part.</summary>
    const string Records = "{\"records\":[{\"Shift\":\"early\",\"Temperature [C]\":91.5,\"Speed [rpm]\":1720}," +
        "{\"Shift\":\"weekend\",\"Temperature [C]\":64,\"Speed [rpm]\":1210},{\"Shift\":null,\"Temperature " +
        "[C]\":null,\"Speed [rpm]\":1650}]}";

    [SkippableFact]
    public async Task AnImportedModelIsTheNextVersionOfItsNameAndPredictsExactlyAsTheOriginal()
    {
        var job = await Client.TrainAsync(TestData.DefectsCsv(rows: 300), "Defect",
            new { epochs = 8, ensembleSize = 2, modelName = "line3 defects", earlyStoppingPatience = 0 });
        var originalId = job.GetProperty("modelId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync($"/api/models/{originalId}/threshold", new { threshold = 0.37 }))
            .StatusCode);

        var export = await Client.GetAsync($"/api/models/{originalId}/bundle");

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/octet-stream", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("line3-defects-v1.dabundle", export.Content.Headers.ContentDisposition?.FileNameStar);
        var bundle = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal(SHA256.HashData(bundle.AsSpan(0, bundle.Length - 32)), bundle[^32..]);

        using var elsewhere = new ApiFactory(provider: Factory.Provider);
        var other = elsewhere.CreateClient();
        var imported = await other.PostAsync("/api/models/import", Octets(bundle));

        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var model = await imported.Content.ReadFromJsonAsync<JsonElement>();
        var importedId = model.GetProperty("id").GetString();
        Assert.Equal($"/api/models/{importedId}", imported.Headers.Location?.OriginalString);
        Assert.Equal(1, model.GetProperty("version").GetInt32());
        var original = await Client.GetFromJsonAsync<JsonElement>($"/api/models/{originalId}");
        var stored = await other.GetFromJsonAsync<JsonElement>($"/api/models/{importedId}");
        Assert.Equal(WithoutIdentity(original), WithoutIdentity(stored));
        Assert.Equal(WithoutIdentity(stored), WithoutIdentity(model));
        Assert.Equal(0.37, stored.GetProperty("threshold").GetDouble());
        Assert.Equal(await PredictAsync(Client, originalId), await PredictAsync(other, importedId!));

        // Back on the installation it came from, as a multipart upload: the next version of the same name.
        using var form = new MultipartFormDataContent { { Octets(bundle), "file", "line3-defects-v1.dabundle" } };
        var again = await (await Client.PostAsync("/api/models/import", form)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("line3 defects", again.GetProperty("name").GetString());
        Assert.Equal(2, again.GetProperty("version").GetInt32());
        Assert.Equal(await PredictAsync(Client, originalId), await PredictAsync(Client, again.GetProperty("id").GetString()!));
    }

    [SkippableFact]
    public async Task TheBundleCarriesTheMetadataTheOptionsAndTheTrainingDataProfile()
    {
        var job = await Client.TrainAsync(TestData.EfficiencyCsv(rows: 120), "efficiency", new
        {
            epochs = 5, ensembleSize = 1,
            modelName = "efficiency"
        });
        var modelId = job.GetProperty("modelId").GetString()!;

        var bundle = await Client.GetByteArrayAsync($"/api/models/{modelId}/bundle");

        var manifest = Manifest(bundle);
        Assert.Equal("defectapi-model-bundle", manifest["format"]!.GetValue<string>());
        Assert.Equal(modelId, manifest["model"]!["id"]!.GetValue<string>());
        Assert.Equal("regression", manifest["model"]!["task"]!.GetValue<string>());
        Assert.True(manifest["model"]!["metrics"]!["rmse"]!.GetValue<double>() >= 0);
        Assert.Equal(5, manifest["history"]!.AsArray().Count);
        Assert.Equal(5, manifest["options"]!["epochs"]!.GetValue<int>());
        Assert.Equal(120, manifest["trainingData"]!["rowCount"]!.GetValue<long>());
        var profiled = manifest["trainingData"]!["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["efficiency", "smv", "team", "workers"], profiled);
        Assert.Equal(manifest["artifact"]!["bytes"]!.GetValue<long>(), bundle.Length - 16 - ManifestLength(bundle) - 8 - 32);
    }

    [SkippableFact]
    public async Task AnUnknownModelHasNoBundle()
    {
        var problem = await (await Client.GetAsync($"/api/models/{Guid.NewGuid()}/bundle")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("GET /api/models", problem.GetProperty("detail").GetString());
    }

    internal static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    static async Task<string> PredictAsync(HttpClient client, string modelId)
    {
        var response = await client.PostAsync($"/api/models/{modelId}/predict", ApiClient.Json(Records));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions").GetRawText();
    }

    /// <summary>The model as GET shows it, less what is the installation's own: its id, version and when it was stored.</summary>
    static string WithoutIdentity(JsonElement model)
    {
        var node = JsonNode.Parse(model.GetRawText())!.AsObject();
        foreach (var own in new[] { "id", "version", "createdAt" }) Assert.True(node.Remove(own), own);
        return node.ToJsonString();
    }

    static int ManifestLength(byte[] bundle) => BitConverter.ToInt32(bundle, 12);

    internal static JsonNode Manifest(byte[] bundle) => JsonNode.Parse(bundle.AsSpan(16, ManifestLength(bundle)))!;
}

public sealed class ModelBundleTestsOnSqlite() : ModelBundleTests(DatabaseProvider.Sqlite);

public sealed class ModelBundleTestsOnPostgres() : ModelBundleTests(DatabaseProvider.Postgres);
