using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DefectApi.Tests.Infrastructure;

namespace DefectApi.Tests.Datasets;

/// <summary>Uploads a tester sent that real files also contain: each is read as users expect, never a 500.</summary>
public sealed class DatasetEdgeCaseTests : IDisposable
{
    readonly ApiFactory _factory = new();
    readonly HttpClient _client;

    public DatasetEdgeCaseTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    static JsonElement Column(JsonElement dataset, string name) =>
        dataset.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public async Task UploadingValuesNearTheLimitsOfDoubleGivesFiniteStatistics()
    {
        var response = await _client.PostMultipartCsvAsync("x,y\n1e308,1\n-1e308,2\n3,3\n");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var x = Column(await response.Content.ReadFromJsonAsync<JsonElement>(), "x");
        Assert.Equal("numeric", x.GetProperty("type").GetString());
        Assert.Equal(1e308, x.GetProperty("std").GetDouble(), 1e294);
        Assert.Equal(1, x.GetProperty("mean").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task AnExportEndingEveryLineWithTheDelimiterIsAcceptedWithoutTheEmptyColumn()
    {
        var response = await _client.PostMultipartCsvAsync("Part;Torque;\r\nA1;12,5;\r\nA2;13,5;\r\n");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Part", "Torque"], dataset.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(13, Column(dataset, "Torque").GetProperty("mean").GetDouble());
    }
}
