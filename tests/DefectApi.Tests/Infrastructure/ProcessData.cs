using System.Globalization;

namespace DefectApi.Tests.Infrastructure;

/// <summary>Data for process optimisation: the AI4I sample the repository ships and a generated garments line.</summary>
public static class ProcessData
{
    public static readonly string[] Ai4iExcluded = ["UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"];

    /// <summary>samples/ai4i2020.csv, found by walking up from the test binaries to the folder holding DefectApi.sln.</summary>
    public static string Ai4iCsv()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DefectApi.sln")))
                return File.ReadAllText(Path.Combine(folder.FullName, "samples", "ai4i2020.csv"));
        throw new FileNotFoundException("DefectApi.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The AI4I rows as records of the model's inputs, with the actual failure flag.</summary>
    public static List<(Dictionary<string, object?> Record, bool Failed)> Ai4iRecords(string csv)
    {
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimEnd('\r').Split(',');
        var rows = new List<(Dictionary<string, object?>, bool)>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.TrimEnd('\r').Split(',');
            var record = new Dictionary<string, object?>();
            for (var c = 0; c < header.Length; c++)
            {
                if (Ai4iExcluded.Contains(header[c]) || header[c] == "Machine failure") continue;
                record[header[c]] = header[c] == "Type" ? cells[c] : double.Parse(cells[c], CultureInfo.InvariantCulture);
            }
            rows.Add((record, cells[Array.IndexOf(header, "Machine failure")] == "1"));
        }
        return rows;
    }

    /// <summary>A garments line: productivity rises with incentive, falls with over-time and with the standard minute
    /// value, and rises with the number of workers; department rides along.</summary>
    public static string GarmentsCsv(int rows = 500, int seed = 5)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("department,no_of_workers,smv,incentive,over_time,actual_productivity\n");
        for (var i = 0; i < rows; i++)
        {
            var workers = 10 + random.Next(50);
            var smv = 5 + random.NextDouble() * 35;
            var incentive = random.Next(101);
            var overTime = random.Next(0, 8001);
            var productivity = 0.35 + 0.004 * incentive - 0.00003 * overTime + 0.002 * workers - 0.004 * smv +
                (random.NextDouble() - 0.5) * 0.02;
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "sewing" : "finishing")},{workers},{smv:F2},{incentive},{overTime}," +
                $"{productivity:F4}\n");
        }
        return csv.ToString();
    }
}
