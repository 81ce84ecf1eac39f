namespace DefectApi.Tests.OpenApi;

/// <summary>The checker that ResponseConformanceTests relies on refuses what the document does not allow.</summary>
public sealed class OpenApiContractTests(ServedDocument served) : IClassFixture<ServedDocument>
{
    readonly OpenApiContract _contract = new(served.Text);

    const string Path = "/api/deployments/line3/predict";
    const string Answer =
        """{"modelId":"0197a4f2-6c1e-7b55-9d1a-3c1f0e2b7a10","modelName":"line3","modelVersion":2,"predictions":[PREDICTION]}""";

    static Exchange Predicted(string prediction, int status = 200, string mediaType = "application/json") =>
        new("POST", Path, status, mediaType, Answer.Replace("PREDICTION", prediction));

    [Theory]
    [InlineData("""{"label":"1","probability":0.93,"defect":true}""")]
    [InlineData("""{"value":0.78}""")]
    [InlineData(
        """{"label":"Bumps","probabilities":{"Bumps":0.71,"Other":0.29},"warnings":["'Type' is 'X', a category training never saw"]}""")]
    public void APredictionOfEachTaskMatches(string prediction) => Assert.Empty(_contract.Check(Predicted(prediction)));

    [Theory]
    [InlineData("""{"value":"0.78"}""", "a number sent as a string")]
    [InlineData("""{"value":0.78,"confidence":0.9}""", "an undocumented field")]
    [InlineData("""{"label":1}""", "a label that is not a string")]
    public void APredictionTheDocumentDoesNotDescribeIsRefused(string prediction, string why) =>
        Assert.True(_contract.Check(Predicted(prediction)).Any(), why);

    [Fact]
    public void AStatusOrContentTypeTheRouteDoesNotDocumentIsRefused()
    {
        Assert.Contains(_contract.Check(Predicted("""{"value":1}""", status: 418)), p => p.Contains("status 418 is not documented"));
        Assert.Contains(_contract.Check(Predicted("""{"value":1}""", mediaType: "application/xml")), p => p.Contains("is not documented"));
        Assert.Contains(_contract.Check(new Exchange("PATCH", Path, 200, "application/json", "{}")),
            p => p.Contains("not in the document"));
    }

    [Fact]
    public void ATextCsvAnswerAndAProblemMatch()
    {
        Assert.Empty(_contract.Check(new Exchange("POST", Path, 200, "text/csv", "a,value,error\n1,0.5,\n")));
        Assert.Empty(_contract.Check(new Exchange("POST", Path, 404, "application/problem+json",
            """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Deployment not found",
            "status":404,"detail":"…","traceId":"x"}
            """)));
    }
}
