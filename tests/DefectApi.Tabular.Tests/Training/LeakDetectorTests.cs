using DefectApi.Tests.Shared;

namespace DefectApi.Tabular.Tests.Training;

public class LeakDetectorTests
{
    private static readonly string[] SteelFaults = ["Pastry", "Z_Scratch", "K_Scatch", "Stains", "Dirtiness", "Bumps", "Other_Faults"];

    [Fact]
    public void Ai4iWithoutExclusionsFlagsExactlyTheFailureModeFlags()
    {
        var frame = TestData.Frame(File.ReadAllText(SampleSplits.Path("ai4i2020.train.csv")));

        var flagged = Flagged(frame, "Machine failure");

        Assert.Equal(["TWF", "HDF", "PWF", "OSF", "RNF"], flagged.Select(f => f.Name));
        Assert.All(flagged.Take(4), f => Assert.StartsWith("alone it predicts Machine failure = 1 with precision 1.00 on ", f.Detail));
        Assert.All(flagged.Take(4), f => Assert.Equal(1.0, f.Score));
        Assert.Contains("TWF, HDF, PWF, OSF", flagged[4].Detail);
    }

    [Theory]
    [InlineData("garments_worker_productivity.train.csv", "actual_productivity")]
    [InlineData("steel_plates_faults_labeled.train.csv", "Fault")]
    [InlineData("garments_worker_productivity.test.csv", "actual_productivity")]
    [InlineData("steel_plates_faults_labeled.test.csv", "Fault")]
    public void NoColumnIsFlaggedOnTheOtherSampleSplits(string file, string target)
    {
        var frame = TestData.Frame(File.ReadAllText(SampleSplits.Path(file)));

        Assert.Empty(Flagged(frame, target));
    }

    [Fact]
    public void NoColumnIsFlaggedForAnySteelFaultAsABinaryTarget()
    {
        var frame = TestData.Frame(File.ReadAllText(SampleSplits.Path("steel_plates_faults.train.csv")));

        foreach (var fault in SteelFaults)
            Assert.True(Flagged(frame, fault).Count == 0, $"{fault}: {string.Join("; ", Flagged(frame, fault))}");
    }

    [Fact]
    public void ACopyOfTheTargetWithTwoPercentOfRowsFlippedIsFlagged()
    {
        var random = new Random(7);
        var frame = TestData.Frame(TestData.Csv("temp,pressure,copy,defect", 3000, i =>
        {
            double temp = 300 + 10 * Normal(random);
            int defect = random.NextDouble() < 0.25 ? 1 : 0;
            int copy = i % 50 == 0 ? 1 - defect : defect;
            return Line(temp, 5 + Normal(random), copy, defect);
        }));

        var flagged = Flagged(frame, "defect");

        Assert.Equal(["copy"], flagged.Select(f => f.Name));
        Assert.Contains("Matthews correlation", flagged[0].Detail);
    }

    [Fact]
    public void AColumnFilledInOnlyWhenThePartFailedIsFlagged()
    {
        var random = new Random(8);
        var frame = TestData.Frame(TestData.Csv("temp,rework_minutes,defect", 2000, i =>
        {
            int defect = random.NextDouble() < 0.08 ? 1 : 0;
            string rework = defect == 1 ? (5 + random.Next(55)).ToString(CultureInfo.InvariantCulture) : "";
            return $"{Line(300 + 10 * Normal(random))},{rework},{defect}";
        }));

        var flagged = Flagged(frame, "defect");

        Assert.Equal(["rework_minutes"], flagged.Select(f => f.Name));
        Assert.StartsWith("whether it is filled in predicts defect = 1 with precision 1.00", flagged[0].Detail);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStrongPhysicalCauseWithTenPercentLabelNoiseIsNotFlagged(bool wholeDegrees)
    {
        var random = new Random(9);
        var frame = TestData.Frame(TestData.Csv("temp,speed,defect", 3000, i =>
        {
            double temp = 300 + 10 * Normal(random);
            if (wholeDegrees) temp = Math.Round(temp / 3) * 3;  // few levels: one-sided rules are looked for too
            int defect = temp > 307 ? 1 : 0;
            if (random.NextDouble() < 0.10) defect = 1 - defect;
            return Line(temp, 1500 + 100 * Normal(random), defect);
        }));

        Assert.Empty(Flagged(frame, "defect"));
    }

    [Fact]
    public void ARegressionTargetCopiedWithTinyNoiseIsFlagged()
    {
        var random = new Random(10);
        var frame = TestData.Frame(TestData.Csv("load,speed,measured_after,wear", 1500, i =>
        {
            double load = Normal(random), wear = 20 + 3 * (load + Normal(random));
            return Line(load, Normal(random), wear + 0.01 * Normal(random), wear);
        }));

        var flagged = Flagged(frame, "wear");

        Assert.Equal(["measured_after"], flagged.Select(f => f.Name));
        Assert.Contains("R²", flagged[0].Detail);
    }

    private sealed record Flag(string Name, double Score, string Detail)
    {
        public override string ToString() => $"{Name}: {Detail}";
    }

    private static List<Flag> Flagged(TabularFrame frame, string target, string[]? exclude = null)
    {
        var options = new TabularTrainingOptions { Target = target, Exclude = exclude ?? [] };
        int column = frame.IndexOf(target);
        var (spec, rows, targets) = TargetResolver.Resolve(frame, column, options);
        var (columns, _) = ColumnSelection.Choose(frame.Columns, column, null, options.Exclude);
        return LeakDetector.Detect(frame, column, columns, spec, rows, targets, options.Seed)
            .Select(v => new Flag(frame.Columns[v.Column].Name, v.Score, v.Detail)).ToList();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Line(params double[] values) =>
        string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
