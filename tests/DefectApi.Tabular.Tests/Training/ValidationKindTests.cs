namespace DefectApi.Tabular.Tests.Training;

/// <summary>Validation like the line runs: on data whose relation drifts, or whose lots repeat near-identical rows,
/// random folds promise more than new data gives; forward and group folds agree with a hold-out of later rows or
/// unseen lots.</summary>
public sealed class ValidationKindTests
{
    static readonly TabularTrainingOptions Options = new()
    {
        Target = "y", HiddenLayers = [64, 32], Epochs = 120, EarlyStoppingPatience = 20, EnsembleSize = 4, CompareTimeOrdered = false,
    };

    const int DriftRows = 1500;

    /// <summary>y = x1·cos θ + x2·sin θ, the angle turning once over the rows: the rule at any day is learnable from
    /// its neighbours (random folds) but not from the past alone.</summary>
    static string DriftRow(int day, Random random)
    {
        double x1 = random.NextDouble() * 2 - 1, x2 = random.NextDouble() * 2 - 1, angle = 2 * Math.PI * day / DriftRows;
        double y = x1 * Math.Cos(angle) + x2 * Math.Sin(angle) + 0.05 * (random.NextDouble() - 0.5);
        // Tenths of a day, so that the column reads as a measurement (an input) and not as a row number.
        return string.Create(CultureInfo.InvariantCulture, $"{day / 10.0 + 0.05:F2},{x1:F4},{x2:F4},{y:F4}");
    }

    [Fact]
    public void Time_folds_on_drifting_data_match_a_later_hold_out_where_random_folds_overstate()
    {
        var random = new Random(3);
        var lines = Enumerable.Range(0, DriftRows).Select(day => DriftRow(day, random)).ToArray();
        var frame = TestData.Frame("day,x1,x2,y\n" + string.Join('\n', lines) + "\n");

        var randomRun = TabularTrainer.Train(frame, Options with { TimeColumn = "day", CompareTimeOrdered = true }, null, default,
            default).Validation!;
        var timeRun = TabularTrainer.Train(frame, Options with { Validation = ValidationKind.Time, TimeColumn = "day" }, null, default,
            default).Validation!;

        // The hold-out: a model of the first 5/6 of the days, scored on the last 1/6 (one forward block's worth).
        int cut = DriftRows * 5 / 6;
        var earlier = TabularTrainer.Train(TestData.Frame("day,x1,x2,y\n" + string.Join('\n', lines[..cut]) + "\n"), Options, null,
            default, default).Artifact;
        var later = lines[cut..].Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var holdOut = HoldOutR2(earlier, later, ["day", "x1", "x2"], unitRows: 25);

        Assert.Equal(ValidationKind.Time, timeRun.Description.Kind);
        Assert.Equal("day", timeRun.Description.TimeColumn);
        Assert.Equal("r2", timeRun.Figure.Metric);
        Assert.Contains(frame.Columns, c => c.Name == "day" && c.Type == DefectApi.Tabular.Schema.ColumnType.Numeric);
        Assert.True(randomRun.Figure.Value > holdOut.Value + 3 * Noise(randomRun.Figure.StandardError, holdOut.Error),
            $"random folds {randomRun.Figure} should overstate the hold-out {holdOut}");
        Assert.True(Math.Abs(timeRun.Figure.Value - holdOut.Value) <= 2 * Noise(timeRun.Figure.StandardError, holdOut.Error),
            $"time folds {timeRun.Figure} should match the hold-out {holdOut}");
        // The random run reports the time-ordered figure beside its own.
        Assert.NotNull(randomRun.TimeOrdered);
        Assert.True(randomRun.TimeOrdered!.Value < randomRun.Figure.Value - 2 * Noise(randomRun.Figure.StandardError,
            randomRun.TimeOrdered.StandardError));
    }

    [Fact]
    public void Group_folds_on_repeating_lots_match_unseen_lots_where_random_folds_overstate()
    {
        var random = new Random(11);
        string Lot(int lot) => string.Join('\n', LotRows(lot, random));
        var frame = TestData.Frame("lot,x1,x2,x3,y\n" + string.Join('\n', Enumerable.Range(0, 60).Select(Lot)) + "\n");
        var unseen = Enumerable.Range(100, 40).SelectMany(lot => LotRows(lot, random))
            .Select(l => l.Split(',')[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

        var options = Options with { Exclude = ["lot"] };
        var randomRun = TabularTrainer.Train(frame, options, null, default, default);
        var groupRun = TabularTrainer.Train(frame, options with { GroupColumn = "lot" }, null, default, default);
        var holdOut = HoldOutR2(randomRun.Artifact, unseen, ["x1", "x2", "x3"], unitRows: 20);

        var random_ = randomRun.Validation!.Figure;
        var grouped = groupRun.Validation!.Figure;
        Assert.Equal("lot", groupRun.Validation.Description.GroupColumn);
        Assert.True(random_.Value > holdOut.Value + 3 * Noise(random_.StandardError, holdOut.Error),
            $"random folds {random_} should overstate unseen lots {holdOut}");
        Assert.True(Math.Abs(grouped.Value - holdOut.Value) <= 2 * Noise(grouped.StandardError, holdOut.Error),
            $"group folds {grouped} should match unseen lots {holdOut}");
    }

    /// <summary>20 near-identical rows per lot: the lot's own offset moves y as much as x1 does, and no input explains it.</summary>
    static IEnumerable<string> LotRows(int lot, Random random)
    {
        double x1 = random.NextDouble() * 3.4 - 1.7, x2 = random.NextDouble(), x3 = random.NextDouble(), offset = Normal(random);
        for (int i = 0; i < 20; i++)
        {
            double jitter = 0.01 * (random.NextDouble() - 0.5);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"LOT{lot:D3},{x1 + jitter:F4},{x2 + jitter:F4},{x3 - jitter:F4},{x1 + offset + 0.05 * Normal(random):F4}");
        }
    }

    static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    static double Noise(double? a, double? b) => Math.Sqrt(Math.Pow(a ?? 0, 2) + Math.Pow(b ?? 0, 2));

    /// <summary>R² of the model on rows (inputs…, y), and its standard error from the spread of the squared error over
    /// units of <paramref name="unitRows"/> consecutive rows (a lot, or a stretch of days), whose errors go together.</summary>
    static (double Value, double Error) HoldOutR2(ModelArtifact model, double[][] rows, string[] inputs, int unitRows)
    {
        var records = rows.Select(r => (IReadOnlyDictionary<string, CellValue>)inputs.Select((name, i) => (name,
            CellValue.FromNumber(r[i])))
            .ToDictionary(p => p.name, p => p.Item2)).ToList();
        var batch = model.Predict(records);
        Assert.Empty(batch.Errors);
        double[] predicted = batch.Predictions.Select(p => p.Value!.Value).ToArray(), actual = rows.Select(r => r[^1]).ToArray();
        double mean = actual.Average(), variance = actual.Average(a => (a - mean) * (a - mean));
        var squared = actual.Select((a, i) => (a - predicted[i]) * (a - predicted[i])).ToArray();
        var units = squared.Chunk(unitRows).Select(u => u.Average()).ToArray();
        double unitMean = units.Average();
        double error = Math.Sqrt(units.Sum(u => (u - unitMean) * (u - unitMean)) / (units.Length - 1) / units.Length) / variance;
        return (1 - squared.Average() / variance, error);
    }
}
