using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Tests.Schema;

public sealed class DataReportTests
{
    /// <summary>300 rows in chunks of 64: a serial, a constant, Fahrenheit beside Celsius (with gaps), a line code
    /// beside the same lines renamed, an unrelated number and category; rows 250–254 repeat rows 10–14.</summary>
    static string GeneratedCsv()
    {
        var random = new Random(4);
        var lines = new List<string>();
        for (int i = 0; i < 250; i++)
        {
            double celsius = 20 + random.NextDouble() * 60, pressure = random.NextDouble() * 5;
            int line = random.Next(3);
            string fahrenheit = i % 23 == 0 ? "" : (celsius * 1.8 + 32).ToString("F6", CultureInfo.InvariantCulture);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"SN{i:D5},plant-7,{celsius:F6},{fahrenheit},{pressure:F4},{"ABC"[line]},cell-{line + 1}," +
                $"{(random.Next(2) == 0 ? "red" : "blue")}"));
        }
        // The repeats keep their serial too, so they are exact duplicates of whole rows.
        for (int i = 10; i < 15; i++) lines.Add(lines[i]);
        for (int i = 0; i < 45; i++) lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"SN{1000 + i:D5},plant-7,{30 + i:F6},{(30 + i) * 1.8 + 32:F6},{i % 5 * 0.7:F4},{"ABC"[i % 3]},cell-{i % 3 + 1}," +
            $"{(i % 2 == 0 ? "red" : "blue")}"));
        return "serial,plant,celsius,fahrenheit,pressure,line,cell,colour\n" + string.Join('\n', lines) + "\n";
    }

    [Fact]
    public async Task Reports_duplicates_identifiers_single_values_and_near_duplicate_columns()
    {
        var (dataset, _) = await TestData.IngestAsync(GeneratedCsv(), new CsvReadOptions { ChunkRows = 64 });
        var report = dataset.Report!;

        Assert.Equal(5, report.DuplicateRows);
        Assert.Equal(new DuplicateRow(251, 11), report.DuplicateExamples[0]);
        Assert.Equal(["serial"], report.Identifiers);
        Assert.Equal(["plant"], report.SingleValued);
        var correlated = Assert.Single(report.NearDuplicates, n => n.Kind == "correlated");
        Assert.Equal(("fahrenheit", "celsius"), (correlated.Column, correlated.DuplicateOf));
        Assert.True(correlated.Correlation > 0.999999);
        var relabelled = Assert.Single(report.NearDuplicates, n => n.Kind == "relabelled");
        Assert.Equal(("cell", "line"), (relabelled.Column, relabelled.DuplicateOf));
        Assert.Empty(report.Notes);
    }

    [Fact]
    public async Task Rows_repeat_when_their_numbers_are_equal_however_written_and_examples_are_the_earliest_repeats()
    {
        // Row 3 writes row 1's numbers another way; rows 5, 6 and 8 repeat row 2 (and 6 repeats it as "0.70" for "0.7");
        // row 7 differs from row 1 only in its text, row 9 only by a missing cell. Chunks of 2 rows: repeats span chunks.
        const string csv = "weight,ratio,colour\n" +
            "1.5,2,red\n" + "3,0.7,blue\n" + "1.50,2.0,red\n" + "4,1,red\n" + "3,0.7,blue\n" + "3.0,0.70,blue\n" +
            "1.5,2,Red\n" + "3,0.7,blue\n" + "3,,blue\n";
        var (dataset, _) = await TestData.IngestAsync(csv, new CsvReadOptions { ChunkRows = 2 });

        var report = dataset.Report!;
        Assert.Equal(4, report.DuplicateRows);
        Assert.Equal([new DuplicateRow(3, 1), new DuplicateRow(5, 2), new DuplicateRow(6, 2), new DuplicateRow(8, 2)],
            report.DuplicateExamples);
    }

    [Fact]
    public async Task A_near_copy_is_found_in_a_large_upload_after_weaker_pairs_stop_being_followed()
    {
        // More rows than the screen: load and a loosely related current stop being followed after 65,536 rows; the
        // torque, a near copy of the load in other units, is followed to the end and reported.
        var random = new Random(6);
        var csv = new System.Text.StringBuilder("load,torque,current,speed\n");
        for (int i = 0; i < 90_000; i++)
        {
            double load = 50 + 10 * random.NextDouble(), current = load * 0.2 + 2 * random.NextDouble(),
                speed = 1000 + 500 * random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{load:F5},{load * 9.81 + 0.001 * random.NextDouble():F5},{current:F4},{speed:F1}\n");
        }
        var (dataset, _) = await TestData.IngestAsync(csv.ToString(), new CsvReadOptions { ChunkRows = 8192 });

        var pair = Assert.Single(dataset.Report!.NearDuplicates);
        Assert.Equal(("torque", "load", "correlated"), (pair.Column, pair.DuplicateOf, pair.Kind));
        Assert.True(pair.Correlation > 0.99999);
    }

    [Fact]
    public async Task A_level_that_breaks_the_renaming_or_a_weak_correlation_is_not_a_near_duplicate()
    {
        // One row maps line B to cell-3 (already C's name); pressure follows celsius only loosely.
        var csv = GeneratedCsv();
        int at = csv.IndexOf("B,cell-2,", StringComparison.Ordinal);
        csv = csv[..at] + "B,cell-3," + csv[(at + "B,cell-2,".Length)..];
        var (dataset, _) = await TestData.IngestAsync(csv, new CsvReadOptions { ChunkRows = 64 });

        Assert.DoesNotContain(dataset.Report!.NearDuplicates, n => n.Kind == "relabelled");
        Assert.DoesNotContain(dataset.Report.NearDuplicates, n => n.Column == "pressure" || n.DuplicateOf == "pressure");
    }

    [Fact]
    public async Task Numeric_columns_beyond_the_cap_are_named_in_a_note()
    {
        int columns = DataReportBuilder.MaxCorrelatedColumns + 3;
        var header = string.Join(',', Enumerable.Range(0, columns).Select(c => $"x{c}"));
        var csv = TestData.Csv(header, 30, r => string.Join(',', Enumerable.Range(0, columns).Select(c => ((r * 7 + c * 13) % 17)
            .ToString(CultureInfo.InvariantCulture))));

        var (dataset, _) = await TestData.IngestAsync(csv);

        Assert.Contains(dataset.Report!.Notes, n => n.Contains("first 100 numeric columns", StringComparison.Ordinal)
            && n.Contains("3 more", StringComparison.Ordinal));
    }
}
