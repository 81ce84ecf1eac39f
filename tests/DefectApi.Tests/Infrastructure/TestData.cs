using System.Globalization;
using System.Text;

namespace DefectApi.Tests.Infrastructure;

/// <summary>Small generated datasets whose answers are known.</summary>
public static class TestData
{
    /// <summary>A line's parts: defect = 1 when temperature and speed are both high; a categorical shift column
    /// and a serial number column (an identifier) ride along.</summary>
    public static string DefectsCsv(int rows = 400, int seed = 7)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("Serial,Shift,Temperature [C],Speed [rpm],Defect\n");
        for (var i = 0; i < rows; i++)
        {
            var temperature = 60 + random.NextDouble() * 40;
            var speed = 1000 + random.NextDouble() * 1000;
            var shift = (i % 3) switch { 0 => "early", 1 => "late", _ => "night" };
            var defect = temperature > 85 && speed > 1500 ? 1 : 0;
            csv.Append(CultureInfo.InvariantCulture, $"SN{100000 + i},{shift},{temperature:F2},{speed:F1},{defect}\n");
        }
        return csv.ToString();
    }

    /// <summary>A predict body of one part in <see cref="DefectsCsv"/>'s columns, hot and fast: what an MES line sends
    /// for each part.</summary>
    public const string OneDefectsPartJson =
        """{"records":[{"Serial":"SN9","Shift":"late","Temperature [C]":88.5,"Speed [rpm]":1720.0}]}""";

    /// <summary><see cref="OneDefectsPartJson"/>'s part as an object, for PostAsJsonAsync.</summary>
    public static readonly object OneDefectsPart = new
    {
        records = new[] { new Dictionary<string, object?> { ["Serial"] = "SN9", ["Shift"] = "late", ["Temperature [C]"] = 88.5,
            ["Speed [rpm]"] = 1720.0 } },
    };

    /// <summary>A predict body of two parts in <see cref="DefectsCsv"/>'s columns: one hot and fast, one cool and slow.</summary>
    public static readonly object TwoDefectsParts = new
    {
        records = new[]
        {
            new Dictionary<string, object?> { ["Serial"] = "SN1", ["Shift"] = "late", ["Temperature [C]"] = 88.5,
                ["Speed [rpm]"] = 1720.0 },
            new Dictionary<string, object?> { ["Serial"] = "SN2", ["Shift"] = "night", ["Temperature [C]"] = 61.0,
                ["Speed [rpm]"] = 1100.0 },
        },
    };

    /// <summary>Line efficiency = 0.5 + 0.004·workers − 0.002·(smv − 20), plus a little noise.</summary>
    public static string EfficiencyCsv(int rows = 300, int seed = 11)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("team,workers,smv,efficiency\n");
        for (var i = 0; i < rows; i++)
        {
            var workers = 10 + random.Next(50);
            var smv = 5 + random.NextDouble() * 40;
            var efficiency = 0.5 + 0.004 * workers - 0.002 * (smv - 20) + (random.NextDouble() - 0.5) * 0.01;
            csv.Append(CultureInfo.InvariantCulture, $"T{i % 6},{workers},{smv:F2},{efficiency:F4}\n");
        }
        return csv.ToString();
    }

    /// <summary>A surface defect class from two measurements: "Scratch" when the first is high, "Bump" when the second
    /// is, "Clean" otherwise.</summary>
    public static string SurfaceDefectsCsv(int rows = 240, int seed = 5)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("roughness,height,line,class\n");
        for (var i = 0; i < rows; i++)
        {
            var roughness = random.NextDouble() * 10;
            var height = random.NextDouble() * 5;
            var label = roughness > 6 ? "Scratch" : height > 3 ? "Bump" : "Clean";
            csv.Append(CultureInfo.InvariantCulture, $"{roughness:F3},{height:F3},L{i % 2},{label}\n");
        }
        return csv.ToString();
    }
}
