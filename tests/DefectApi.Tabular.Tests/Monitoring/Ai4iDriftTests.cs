using Xunit.Abstractions;

namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>A small model trained once on the AI4I 2020 train split (its quality does not matter here, only the
/// profile stored with it).</summary>
public sealed class Ai4iModel
{
    public static string Split(string name) => DefectApi.Tests.Shared.SampleSplits.Path(name);

    public Ai4iModel()
    {
        var options = new TabularTrainingOptions
        {
            Target = "Machine failure", Exclude = ["UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"],
            Epochs = 3, EnsembleSize = 1, HiddenLayers = [16], BatchSize = 128,
        };
        Model = TabularTrainer.Train(TestData.Frame(File.ReadAllText(Split("ai4i2020.train.csv"))), options, null, default, default)
            .Artifact;
        Test = TestData.Frame(File.ReadAllText(Split("ai4i2020.test.csv")));
    }

    public ModelArtifact Model { get; }
    public TabularFrame Test { get; }
}

/// <summary>The acceptance case: the test split looks like training; the same split with one column moved by
/// two standard deviations alarms on that column alone.</summary>
public class Ai4iDriftTests(Ai4iModel ai4i, ITestOutputHelper log) : IClassFixture<Ai4iModel>
{
    private const string Shifted = "Torque [Nm]";

    [Fact]
    public void TheTestSplitScoredThroughTheModelShowsNoDrift()
    {
        var report = Score(shift: null);

        Assert.Equal(2000, report.Records);
        Assert.Equal(2000, report.Outputs);
        Assert.Equal(["Type", "Air temperature [K]", "Process temperature [K]", "Rotational speed [rpm]", "Torque [Nm]", "Tool wear [min]"],
            report.Columns.Select(c => c.Name));
        Assert.All(report.Columns, c => Assert.True(c.Status == DriftStatus.Ok, $"{c.Name}: psi {c.Psi}"));
        Assert.All(report.Columns, c => Assert.Equal(0, c.MissingShare));
        Assert.True(report.Output.Status == DriftStatus.Ok, $"output psi {report.Output.Psi}");
    }

    [Fact]
    public void OneColumnShiftedByTwoStandardDeviationsIsAnAlertAndTheOthersStayOk()
    {
        var report = Score(shift: Shifted);

        var shifted = Assert.Single(report.Columns, c => c.Name == Shifted);
        Assert.Equal(DriftStatus.Alert, shifted.Status);
        Assert.True(shifted.OutOfRangeShare > 0.01, $"out of range {shifted.OutOfRangeShare}");
        Assert.All(report.Columns.Where(c => c.Name != Shifted), c => Assert.True(c.Status == DriftStatus.Ok, $"{c.Name}: psi {c.Psi}"));
    }

    /// <summary>Every test record (with <paramref name="shift"/> moved up by two of its standard deviations) and the
    /// model's answer to it, counted as the service counts logged predictions.</summary>
    private DriftReport Score(string? shift)
    {
        var model = ai4i.Model;
        var test = ai4i.Test;
        var columns = model.Inputs.Select(i => test.IndexOf(i.Name)).ToArray();
        double offset = shift is null ? 0 : 2 * StandardDeviation(test, test.IndexOf(shift));
        var records = new List<CellValue[]>();
        for (int r = 0; r < test.RowCount; r++)
            records.Add(columns.Select(c => test.Columns[c].Name == shift
                ? CellValue.FromNumber(test.GetCell(r, c).Number + offset)
                : test.GetCell(r, c)).ToArray());
        var predictions = model.Predict(records.Select(cells => (IReadOnlyDictionary<string, CellValue>)model.Inputs
            .Select((input, i) => (input.Name, cells[i])).ToDictionary(x => x.Name, x => x.Item2)).ToList());
        Assert.Empty(predictions.Errors);

        var drift = new DriftAccumulator(model);
        foreach (var cells in records) drift.AddRecord(cells);
        foreach (var prediction in predictions.Predictions) drift.AddOutput([prediction.Probability!.Value]);
        var report = drift.Report();
        foreach (var c in report.Columns.Append(report.Output))
            log.WriteLine($"{c.Name}: psi {c.Psi:F4} {c.Status}, out of range {c.OutOfRangeShare:P1}, {c.Bins.Count} bins");
        return report;
    }

    private static double StandardDeviation(TabularFrame frame, int column)
    {
        var values = Enumerable.Range(0, frame.RowCount).Select(r => frame.GetCell(r, column).Number).ToArray();
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
