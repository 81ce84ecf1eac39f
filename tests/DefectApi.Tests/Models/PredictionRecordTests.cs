namespace DefectApi.Tests.Models;

/// <summary>Records that look almost right: a value of the wrong JSON type, a key given twice. Each is a 400 naming
/// the record and column, never a silent guess.</summary>
public sealed class PredictionRecordTests(TrainedServiceFixture service) : IClassFixture<TrainedServiceFixture>
{
    async Task<Dictionary<string, string>> ProblemErrorsAsync(string route, string body)
    {
        var response = await service.Client.PostAsync(route, ApiClient.Json(body));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value[0].GetString()!);
    }

    [Fact]
    public async Task TrueForANumericInputIsABadRequestNamingTheColumn()
    {
        var errors = await ProblemErrorsAsync($"/api/models/{service.BinaryModelId}/predict",
            """{"records":[{"Shift":"early","Temperature [C]":90,"Speed [rpm]":1800},""" +
            """{"Shift":"early","Temperature [C]":true,"Speed [rpm]":1800}]}""");

        Assert.Equal(["records[1].Temperature [C]"], errors.Keys);
        Assert.Contains("must be a number, got true", errors["records[1].Temperature [C]"]);
    }

    [Fact]
    public async Task AKeyGivenTwiceInARecordIsABadRequestNamingIt()
    {
        var errors = await ProblemErrorsAsync("/api/deployments/line3/predict",
            """{"records":[{"Shift":"early","Temperature [C]":90,"Speed [rpm]":1800,"Shift":"night"}]}""");

        Assert.Equal(["records[0].Shift"], errors.Keys);
        Assert.Contains("more than once", errors["records[0].Shift"]);
    }

    [Theory]
    [InlineData("""{"records":[{"Shift":"early","Temperature [C]":90,"Speed [rpm]":1800}]} trailing""")]
    [InlineData("""{"records":[{"Shift":"early","Temperature [C]":90,"Speed [rpm]":1800}]""")]
    [InlineData("")]
    [InlineData("""{"records":[{"Shift":"early","Temperature [C]":NaN,"Speed [rpm]":1800}]}""")]
    public async Task ABodyThatIsNotJsonIsABadRequestSayingSo(string body)
    {
        var response = await service.Client.PostAsync("/api/deployments/line3/predict", ApiClient.Json(body));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The JSON body is not valid", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""[{"Shift":"early"}]""", "records", "'records' array")]
    [InlineData("""{"rows":[]}""", "records", "'records' array")]
    [InlineData("""{"records":[]}""", "records", "empty")]
    [InlineData("""{"records":[42]}""", "records[0]", "JSON object")]
    [InlineData("""{"records":[{"Shift":"early","Temperature [C]":[90],"Speed [rpm]":1800}]}""", "records[0].Temperature [C]",
        "must be a number")]
    public async Task ABodyOfTheWrongShapeIsABadRequestNamingWhere(string body, string key, string message)
    {
        var errors = await ProblemErrorsAsync("/api/deployments/line3/predict", body);
        Assert.Equal([key], errors.Keys);
        Assert.Contains(message, errors[key]);
    }

    [Fact]
    public async Task ColumnsTheModelDoesNotUseArePassedOverEvenTwice()
    {
        var response = await service.Client.PostAsync("/api/deployments/line3/predict", ApiClient.Json("""
            {"records":[{"Serial":"SN-1","Shift":"early","Temperature [C]":90,"Speed [rpm]":1800,
            "Serial":"SN-2","note":{"a":[1,2]}}]}
            """));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AKeyGivenTwiceInAnOptimizeRecordIsABadRequestNamingIt()
    {
        var response = await service.Client.PostAsync($"/api/models/{service.BinaryModelId}/optimize", ApiClient.Json("""
            {"record":{"Shift":"early","Temperature [C]":90,"Speed [rpm]":1800,"Shift":"night"},
            "goal":"minimize","adjust":[{"column":"Speed [rpm]"}]}
            """));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("record.Shift")[0].GetString());
    }
}
