namespace DefectApi.Tabular.Tests.Training;

/// <summary>Small synthetic line data with a known rule, trained once per test class (a few seconds in all).</summary>
public sealed class TrainedModels
{
    /// <summary>Defect (NG) when temp + 2·pressure is high; gaps in temp, a rare line, a boolean and a timestamp.</summary>
    public static string LineCsv(int rows, int seed = 7)
    {
        var random = new Random(seed);
        return TestData.Csv("serial,temp,pressure,line,coated,ts,result", rows, i =>
        {
            double temp = random.NextDouble() * 10, pressure = random.NextDouble() * 5;
            string line = i % 50 == 0 ? "L9" : (i % 2 == 0 ? "L1" : "L2");
            bool ng = temp + 2 * pressure > 12;
            string tempText = i % 17 == 0 ? "" : temp.ToString("F3", CultureInfo.InvariantCulture);
            return $"SN{i:D5},{tempText},{pressure.ToString("F3", CultureInfo.InvariantCulture)},{line},{(i % 3 == 0 ? "yes" : "no")}," +
                   $"2024-03-{1 + i % 28:D2}T{i % 24:D2}:00:00,{(ng ? "NG" : "OK")}";
        });
    }

    /// <summary>Three steel faults decided by two measurements: Bumps when a &gt; 0.6, else Stains when b &gt; 0.5, else Pastry.</summary>
    public static TabularFrame FaultFrame()
    {
        var random = new Random(5);
        return TestData.Frame(TestData.Csv("a,b,fault", 300, _ =>
        {
            double a = random.NextDouble(), b = random.NextDouble();
            string fault = a > 0.6 ? "Bumps" : b > 0.5 ? "Stains" : "Pastry";
            return string.Create(CultureInfo.InvariantCulture, $"{a:F3},{b:F3},{fault}");
        }));
    }

    public static readonly TabularTrainingOptions FastOptions = new()
    {
        Target = "result", Epochs = 40, EarlyStoppingPatience = 10, EnsembleSize = 2, HiddenLayers = [16], BatchSize = 32,
    };

    public TrainedModels()
    {
        Frame = TestData.Frame(LineCsv(400));
        Outcome = TabularTrainer.Train(Frame, FastOptions, null, default, default);
    }

    public TabularFrame Frame { get; }
    public TrainingOutcome Outcome { get; }
    public ModelArtifact Binary => Outcome.Artifact;

    public static Dictionary<string, CellValue> Record(double? temp, double pressure, string line = "L1") => new()
    {
        ["temp"] = temp is { } t ? CellValue.FromNumber(t) : CellValue.Missing,
        ["pressure"] = CellValue.FromNumber(pressure),
        ["line"] = CellValue.FromText(line),
        ["coated"] = CellValue.FromBoolean(true),
        ["ts"] = CellValue.FromText("2024-03-05T10:00:00"),
    };
}
