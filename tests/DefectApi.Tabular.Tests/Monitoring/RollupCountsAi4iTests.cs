using DefectApi.Tabular.Metrics;
using Xunit.Abstractions;
using static DefectApi.Tabular.Tests.Monitoring.RollupModels;

namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>The acceptance case: the AI4I test split answered by the stored AI4I model and counted in hourly
/// rollups, each stored and read back, gives the metrics and drift computed exactly from the raw rows.</summary>
public class RollupCountsAi4iTests(RollupModels models, ITestOutputHelper log) : IClassFixture<RollupModels>
{
    private static readonly Lazy<TabularFrame> TestSplit = new(() => TestData.Frame(File.ReadAllText(Ai4iModel.Split(
        "ai4i2020.test.csv"))));

    /// <summary>The rollups of consecutive hours of <paramref name="perHour"/> answers, each through bytes, added up.</summary>
    private static RollupCounts HourlyRollupsAddedUp(ModelArtifact model, int rows, int perHour, Action<RollupCounts, int> count)
    {
        var total = RollupCounts.For(model);
        for (int start = 0; start < rows; start += perHour)
        {
            var hour = RollupCounts.For(model);
            for (int r = start; r < Math.Min(rows, start + perHour); r++) count(hour, r);
            total.Add(RollupCounts.FromBytes(hour.ToBytes()));
        }
        return total;
    }

    [Fact]
    public void MetricsOfTheTestSplitFromHourlyRollupsEqualTheExactFigures()
    {
        var model = models.Binary;
        var split = TestSplit.Value;
        var answered = Answered(model, split);
        int target = split.IndexOf("Machine failure");
        var actuals = Enumerable.Range(0, split.RowCount).Select(r => split.GetCell(r, target).ToString()).ToArray();

        var rolledUp = HourlyRollupsAddedUp(model, answered.Length, 500, (hour, r) =>
        {
            var (cells, answer) = answered[r];
            hour.AddAnswer(cells, answer.Probability!.Value, answer.Label);
            hour.AddOutcome(answer.Probability.Value, answer.Label, actuals[r], +1);
        });
        // The logged decisions are the model's at its threshold, so the exact figures at that threshold are of the same decisions.
        var exact = OutcomeMetrics.Compute(model, answered.Select(a => a.Answer.Probability!.Value).ToArray(),
            answered.Select(a => a.Answer.Label).ToArray(), actuals.Select(a => OutcomeMetrics.Parse(model, a).Actual!.Value).ToArray());

        foreach (var (key, value) in exact) log.WriteLine($"{key}: exact {value:R}, rollups {rolledUp.Metrics()[key]:R}");
        AssertClose(exact, rolledUp.Metrics(), 0.001);
        Assert.Equal(2000, rolledUp.WithOutcome);
        Assert.True(exact["observedDefectRate"] > 0, "the split has defects, so the AUC is defined");
    }

    [Fact]
    public void DriftFromHourlyRollupsEqualsTheAccumulatorsOnTheSameAnswers()
    {
        var model = models.Binary;
        var answered = Answered(model, TestSplit.Value);
        int torque = Input(model, "Torque [Nm]"), type = Input(model, "Type"), air = Input(model, "Air temperature [K]");
        // Gaps, a product type training never saw and air temperatures beyond training's, so every kind of bin counts.
        var records = answered.Select((a, r) =>
        {
            var cells = a.Cells.ToArray();
            if (r % 40 == 0) cells[torque] = CellValue.Missing;
            if (r % 70 == 0) cells[type] = CellValue.FromText("Z");
            if (r % 30 == 0) cells[air] = CellValue.FromNumber(cells[air].Number + 30);
            return cells;
        }).ToArray();
        var accumulator = new DriftAccumulator(model);
        for (int r = 0; r < records.Length; r++)
        {
            accumulator.AddRecord(records[r]);
            accumulator.AddOutput([answered[r].Answer.Probability!.Value]);
        }

        var rolledUp = HourlyRollupsAddedUp(model, records.Length, 300,
            (hour, r) => hour.AddAnswer(records[r], answered[r].Answer.Probability!.Value, answered[r].Answer.Label));
        var drift = rolledUp.Drift(model.Profile!);

        AssertSameDrift(accumulator.Report(), drift);
        Assert.Contains(drift.Columns[type].Bins, b => b.Label == "(unseen)" && b.Live > 0);
        Assert.True(drift.Columns[air].OutOfRangeShare > 0.03);
        Assert.True(drift.Columns[torque].MissingShare > 0.02);
    }

    private static int Input(ModelArtifact model, string name) => model.Inputs.Select(i => i.Name).ToList().IndexOf(name);

    [Fact]
    public void AucFromRollupsStaysWithinAThousandthWhenAWeakModelCrowdsItsScoresIntoANarrowBand()
    {
        // Every score between 0.02 and 0.04 (a logit band 0.7 wide, about 1,450 bins) and defects only slightly higher:
        // most bins hold many distinct scores of both classes, the hardest case for counting a bin's pairs as ties.
        var random = new Random(11);
        const int n = 20_000;
        var positive = new bool[n];
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            positive[i] = random.NextDouble() < 0.1;
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            scores[i] = Math.Clamp(0.03 + 0.004 * gaussian + (positive[i] ? 0.002 : 0), 0.02, 0.04);
        }
        var counts = RollupCounts.For(models.Binary);
        for (int i = 0; i < n; i++) counts.AddOutcome(scores[i], "0", positive[i] ? "1" : "0", +1);

        double exact = BinaryMetrics.Auc(scores, positive), rolledUp = counts.Metrics()["auc"]!.Value;

        log.WriteLine($"exact AUC {exact:R}, from rollups {rolledUp:R}, difference {Math.Abs(exact - rolledUp):E2}");
        Assert.InRange(rolledUp, exact - 0.001, exact + 0.001);
    }
}
