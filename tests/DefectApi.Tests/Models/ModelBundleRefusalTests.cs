using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using DefectApi.Bundles;

namespace DefectApi.Tests.Models;

/// <summary>Every file that is not an intact bundle is refused with a 400 that says what is wrong, and nothing is stored.</summary>
public sealed class ModelBundleRefusalTests(TrainedServiceFixture service) : IClassFixture<TrainedServiceFixture>
{
    [Theory]
    [InlineData("one byte flipped", "changed or damaged")]
    [InlineData("truncated", "cut off")]
    [InlineData("empty", "empty")]
    [InlineData("a CSV", "CSV")]
    [InlineData("a zip of a CSV", "zip archive")]
    [InlineData("the artifact alone", "bare model artifact")]
    [InlineData("bytes appended", "changed or damaged")]
    [InlineData("a manifest rewritten with no name", "name")]
    [InlineData("a manifest rewritten with task auto", "task is 'auto'")]
    [InlineData("a damaged artifact with the checksums made right", "corrupt")]
    public async Task AFileThatIsNotAnIntactBundleIsRefusedAndNothingIsStored(string file, string said)
    {
        var bundle = await service.Client.GetByteArrayAsync($"/api/models/{service.BinaryModelId}/bundle");
        var before = await ModelIdsAsync();

        var response = await service.Client.PostAsync("/api/models/import", ModelBundleTests.Octets(Spoil(bundle, file)));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(said, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await ModelIdsAsync());
    }

    async Task<List<string>> ModelIdsAsync() =>
        (await service.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("items").EnumerateArray()
        .Select(m => m.GetProperty("id").GetString()!).ToList();

    static byte[] Spoil(byte[] bundle, string how)
    {
        var manifestLength = BitConverter.ToInt32(bundle, 12);
        var artifact = bundle.AsSpan(16 + manifestLength + 8, bundle.Length - 16 - manifestLength - 8 - 32).ToArray();
        switch (how)
        {
            case "one byte flipped":
                var flipped = bundle.ToArray();
                flipped[flipped.Length / 2] ^= 0x01;
                return flipped;
            case "truncated": return bundle[..(bundle.Length * 2 / 3)];
            case "empty": return [];
            case "a CSV": return Encoding.UTF8.GetBytes(TestData.DefectsCsv(rows: 50));
            case "a zip of a CSV": return Zip("line3.csv", Encoding.UTF8.GetBytes(TestData.DefectsCsv(rows: 50)));
            case "the artifact alone": return artifact;
            case "bytes appended": return [.. bundle, .. "more"u8];
            case "a manifest rewritten with no name":
                var manifest = ModelBundleTests.Manifest(bundle);
                manifest["model"]!["name"] = " ";
                return ModelBundleFormat.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()), artifact);
            case "a manifest rewritten with task auto":
                var auto = ModelBundleTests.Manifest(bundle);
                auto["model"]!["task"] = "auto";
                return ModelBundleFormat.Write(Encoding.UTF8.GetBytes(auto.ToJsonString()), artifact);
            default:
                // Past the artifact's header, so that its own checksum, not its magic, finds the change.
                artifact[artifact.Length / 2] ^= 0x01;
                var described = ModelBundleTests.Manifest(bundle);
                described["artifact"]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(artifact));
                return ModelBundleFormat.Write(Encoding.UTF8.GetBytes(described.ToJsonString()), artifact);
        }
    }

    static byte[] Zip(string name, byte[] content)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry(name).Open()) entry.Write(content);
        return stream.ToArray();
    }
}

/// <summary>The import's limits and its scope, on services of their own.</summary>
public sealed class ModelBundleLimitTests
{
    [Fact]
    public async Task ABundleOverTheLimitIs413DeclaredStreamedOrInAForm()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?> { ["Bundles:MaxImportBytes"] = "2048" });
        var client = factory.CreateClient();
        var large = RandomNumberGenerator.GetBytes(5000);

        var declared = await (await client.PostAsync("/api/models/import", ModelBundleTests.Octets(large))).AssertProblemAsync(
            HttpStatusCode.RequestEntityTooLarge);
        var streamed = new UndeclaredLength(large);
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var chunked = await (await client.PostAsync("/api/models/import", streamed)).AssertProblemAsync(
            HttpStatusCode.RequestEntityTooLarge);

        var form = new MultipartFormDataContent { { new ByteArrayContent(large), "file", "large.dabundle" } };
        var multipart = await (await client.PostAsync("/api/models/import", form)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        foreach (var problem in new[] { declared, chunked, multipart })
            Assert.Contains("Bundles:MaxImportBytes", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ABodyOfAnotherTypeIs415AndAMultipartBodyWithoutAFileIs400()
    {
        using var factory = new ApiFactory();
        var client = factory.CreateClient();

        var json = await (await client.PostAsync("/api/models/import", ApiClient.Json("{}"))).AssertProblemAsync(
            HttpStatusCode.UnsupportedMediaType);
        var noFile = await (await client.PostAsync("/api/models/import", new MultipartFormDataContent { { new StringContent("x"),
            "name" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("application/octet-stream", json.GetProperty("detail").GetString());
        Assert.Contains("'file'", noFile.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ImportingNeedsATrainKeyWhileAPredictKeyMayDownload()
    {
        using var factory = new ApiFactory(ApiKeys.Configure(0, "mes", "predict-key", "predict")
            .Concat(ApiKeys.Configure(1, "quality", "train-key", "train")).ToDictionary());
        var empty = ModelBundleTests.Octets([]);

        await (await factory.CreateClient("predict-key").PostAsync("/api/models/import", empty)).AssertProblemAsync(
            HttpStatusCode.Forbidden);
        await (await factory.CreateClient("train-key").PostAsync("/api/models/import", empty)).AssertProblemAsync(
            HttpStatusCode.BadRequest);
        await (await factory.CreateClient("predict-key").GetAsync($"/api/models/{Guid.NewGuid()}/bundle")).AssertProblemAsync(
            HttpStatusCode.NotFound);
    }

    /// <summary>A body sent without Content-Length, as a streaming client sends it.</summary>
    sealed class UndeclaredLength(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
