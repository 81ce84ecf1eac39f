using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace DefectApi.Tests.Reliability;

/// <summary>Random records, right and wrong, thrown at predict: every answer is 200 with one prediction per record,
/// or 400 problem+json; never a 500, and the service's predictions do not change.</summary>
public sealed class RandomRecordsPropertyTests(TrainedServiceFixture service) : IClassFixture<TrainedServiceFixture>
{
    static readonly string[] Columns = ["Shift", "Temperature [C]", "Speed [rpm]", "Serial", "Defect", "extra", ""];

    static Gen<string> Value() => Gen.OneOf(
        Gen.Choose(-1_000_000, 1_000_000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Elements(0.0, -0.0, 1e-300, 1e300, double.MaxValue, double.Epsilon, 85.5, 1750.25).Select(d => d.ToString("R",
            CultureInfo.InvariantCulture)),
        Gen.Elements("\"early\"", "\"late\"", "\"night\"", "\"\"", "\"NaN\"", "\"Infinity\"", "\"1,5\"", "\"<script>\"",
            "\"x'; DROP TABLE Models;--\"", "\"\\u0000\"", "\"日本\""),
        Gen.Elements("true", "false", "null", "[]", "{}", "[1,2]", "{\"a\":null}"));

    static Gen<string> Record() =>
        Gen.ListOf(Gen.Elements(Columns).Zip(Value()))
            .Select(pairs => "{" + string.Join(',', pairs.DistinctBy(p => p.Item1)
                .Select(p => $"{JsonSerializer.Serialize(p.Item1)}:{p.Item2}")) + "}");

    static Gen<string> Body() => Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Record(), n))
        .Select(records => "{\"records\":[" + string.Join(',', records) + "]}");

    [Fact]
    public async Task RandomRecordsAreScoredOrRefusedButNeverCrashTheService()
    {
        var before = await service.PredictReferenceAsync();
        var path = $"/api/models/{service.BinaryModelId}/predict";

        Prop.ForAll(Body().ToArbitrary(), body =>
        {
            using var response = service.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"))
                .GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var records = JsonDocument.Parse(body).RootElement.GetProperty("records").GetArrayLength();
            return response.StatusCode switch
            {
                HttpStatusCode.OK => JsonDocument.Parse(text).RootElement.GetProperty("predictions").GetArrayLength() == records,
                HttpStatusCode.BadRequest => response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                _ => false,
            };
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

        Assert.Equal(before, await service.PredictReferenceAsync());
    }
}
