using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Datasets;

/// <summary>GET /api/datasets/{id} reports, from the upload, what the data holds that matters before training.</summary>
public abstract class DataReportApiTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    /// <summary>A serial, a constant, Fahrenheit beside Celsius, a line code beside the same lines renamed; the last
    /// two rows repeat the first two.</summary>
    static string ReportCsv()
    {
        var random = new Random(2);
        var csv = new StringBuilder("Serial,Plant,Celsius,Fahrenheit,Line,Cell,Defect\n");
        var rows = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            double celsius = 40 + random.NextDouble() * 50;
            int line = i % 3;
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"SN{i:D5},P7,{celsius:F4},{celsius * 1.8 + 32:F4},{"ABC"[line]},cell-{line},{(celsius > 70 ? 1 : 0)}"));
        }
        rows.Add(rows[0]);
        rows.Add(rows[1]);
        return csv.AppendJoin('\n', rows).Append('\n').ToString();
    }

    [SkippableFact]
    public async Task TheDatasetAnswerCarriesTheUploadsDataReport()
    {
        var id = (await Client.UploadAsync(ReportCsv())).GetProperty("id").GetString();

        var dataset = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}");

        var report = dataset.GetProperty("report");
        Assert.Equal(JsonValueKind.Null, dataset.GetProperty("reportNote").ValueKind);
        Assert.Equal(2, report.GetProperty("duplicateRows").GetInt64());
        var first = report.GetProperty("duplicateExamples")[0];
        Assert.Equal((121, 1), (first.GetProperty("row").GetInt64(), first.GetProperty("sameAsRow").GetInt64()));
        Assert.Equal(["Serial"], report.GetProperty("identifierColumns").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Plant"], report.GetProperty("constantColumns").EnumerateArray().Select(e => e.GetString()));
        var columnPairs = report.GetProperty("nearDuplicateColumns").EnumerateArray()
            .Select(p => string.Join('~', p.EnumerateArray().Select(e => e.GetString()))).ToList();
        Assert.Equal(["Celsius~Fahrenheit", "Line~Cell"], columnPairs);
        var pairs = report.GetProperty("nearDuplicateDetails").EnumerateArray()
            .Select(p => (p.GetProperty("column").GetString(), p.GetProperty("duplicateOf").GetString(), p.GetProperty("kind").GetString()))
                .ToList();
        Assert.Equal([("Fahrenheit", "Celsius", "correlated"), ("Cell", "Line", "relabelled")], pairs);
    }

    [SkippableFact]
    public async Task ADatasetUploadedBeforeReportsAnswersWithoutOneAndSaysWhy()
    {
        var id = Guid.Parse((await Client.UploadAsync(ReportCsv())).GetProperty("id").GetString()!);
        // As a dataset stored before this change: no report column value.
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            await db.Datasets.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ReportJson, (string?)null));
        }

        var dataset = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}");

        Assert.Equal(JsonValueKind.Null, dataset.GetProperty("report").ValueKind);
        Assert.Contains("uploaded before data reports existed", dataset.GetProperty("reportNote").GetString());
        Assert.Equal(7, dataset.GetProperty("columns").GetArrayLength());
    }
}

public sealed class DataReportApiTestsOnSqlite() : DataReportApiTests(DatabaseProvider.Sqlite);

public sealed class DataReportApiTestsOnPostgres() : DataReportApiTests(DatabaseProvider.Postgres);
