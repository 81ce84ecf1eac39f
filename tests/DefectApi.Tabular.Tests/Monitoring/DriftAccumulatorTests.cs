namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>Drift over profiles built by hand, so every share and PSI can be worked out on paper.</summary>
public class DriftAccumulatorTests
{
    private static readonly CellValue Gap = CellValue.Missing;
    private static CellValue N(double v) => CellValue.FromNumber(v);
    private static CellValue T(string s) => CellValue.FromText(s);

    /// <summary>A model with one numeric input "x" trained on 1,1,2,2,3,3,4,4 (four levels: a bin each) and one
    /// categorical input "c" trained on A,A,B,(gap); its binary output saw probabilities 0.1,0.1,0.9,0.9.</summary>
    private static TrainingProfile Profile() => new(4,
        [
            BaselineBuilder.Numeric("x", "numeric", [1, 1, 2, 2, 3, 3, 4, 4]),
            BaselineBuilder.Categorical("c", "categorical", ["A", "A", "B", null]),
        ],
        BaselineBuilder.Numeric("probability", TrainingProfile.OutputType, [0.1, 0.1, 0.9, 0.9]));

    [Fact]
    public void NumericPsiMissingAndOutOfRangeSharesMatchAHandCount()
    {
        var drift = new DriftAccumulator(Profile());
        // x: 1,1,1,1 | 2 | 3,3 | gap  →  bins (≤1, 1–2, 2–3, >3) = 4/8, 1/8, 2/8, 0 and missing 1/8
        foreach (var x in (CellValue[])[N(1), N(1), N(1), N(1), N(2), N(3), N(3), Gap]) drift.AddRecord([x, T("A")]);

        var column = drift.Report().Columns[0];

        Assert.Equal([0.25, 0.25, 0.25, 0.25], Profile().Columns[0].Shares);
        // Training 1/4 per bin and no gaps (the floor 1e-4 stands in for the empty shares):
        double expected = (0.5 - 0.25) * Math.Log(0.5 / 0.25) + (0.125 - 0.25) * Math.Log(0.125 / 0.25)
                          + (0.25 - 0.25) * Math.Log(1) + (1e-4 - 0.25) * Math.Log(1e-4 / 0.25) + (0.125 - 1e-4) * Math.Log(0.125 / 1e-4);
        Assert.Equal(expected, column.Psi!.Value, 12);
        Assert.Equal(0.125, column.MissingShare);
        Assert.Equal(0, column.OutOfRangeShare);
        Assert.Equal(DriftStatus.Alert, column.Status);
        Assert.Equal(["≤ 1", "1 – 2", "2 – 3", "> 3", "(missing)"], column.Bins.Select(b => b.Label));
        Assert.Equal([0.25, 0.25, 0.25, 0.25, 0], column.Bins.Select(b => b.Training));
        Assert.Equal([0.5, 0.125, 0.25, 0, 0.125], column.Bins.Select(b => b.Live));
    }

    [Fact]
    public void ValuesOutsideTheTrainingRangeAreCountedAndFallInTheEndBins()
    {
        var drift = new DriftAccumulator(Profile());
        foreach (var x in (double[])[0.5, 1, 2.5, 4, 4.5, 9]) drift.AddRecord([N(x), T("A")]);

        var column = drift.Report().Columns[0];

        Assert.Equal(3.0 / 6, column.OutOfRangeShare);   // 0.5, 4.5 and 9
        Assert.Equal([2.0 / 6, 0, 1.0 / 6, 3.0 / 6], column.Bins.Take(4).Select(b => b.Live));
    }

    [Fact]
    public void UnseenCategoriesShareOneBinAndCountAsOutOfRange()
    {
        var drift = new DriftAccumulator(Profile());
        foreach (var c in (CellValue[])[T("A"), T("C"), T("D"), T(" B ")]) drift.AddRecord([N(1), c]);

        var column = drift.Report().Columns[1];

        // Training A 1/2, B 1/4, other 0, unseen 0, missing 1/4; live A 1/4, B 1/4, unseen 1/2 (C and D), missing 0.
        double expected = (0.25 - 0.5) * Math.Log(0.25 / 0.5) + 0 + (0.5 - 1e-4) * Math.Log(0.5 / 1e-4) +
            (1e-4 - 0.25) * Math.Log(1e-4 / 0.25);
        Assert.Equal(expected, column.Psi!.Value, 12);
        Assert.Equal(0.5, column.OutOfRangeShare);
        Assert.Equal(0, column.MissingShare);
        Assert.Equal(["A", "B", "(unseen)", "(missing)"], column.Bins.Select(b => b.Label));
    }

    [Fact]
    public void TheTrainingValuesThemselvesShowNoDrift()
    {
        var drift = new DriftAccumulator(Profile());
        var xs = (double[])[1, 1, 2, 2, 3, 3, 4, 4];
        var cs = (string?[])["A", "A", "B", null, "A", "A", "B", null];
        for (int i = 0; i < xs.Length; i++) drift.AddRecord([N(xs[i]), cs[i] is { } c ? T(c) : Gap]);
        foreach (double p in (double[])[0.1, 0.1, 0.9, 0.9]) drift.AddOutput([p]);

        var report = drift.Report();

        Assert.All(report.Columns.Append(report.Output), c => Assert.Equal(0, c.Psi!.Value, 12));
        Assert.All(report.Columns.Append(report.Output), c => Assert.Equal(DriftStatus.Ok, c.Status));
        Assert.Equal(8, report.Records);
        Assert.Equal(4, report.Outputs);
    }

    [Fact]
    public void WithNoRecordsThereIsNoPsiAndTheStatusSaysNoData()
    {
        var report = new DriftAccumulator(Profile()).Report();

        Assert.Equal(0, report.Records);
        Assert.All(report.Columns.Append(report.Output), c =>
        {
            Assert.Null(c.Psi);
            Assert.Null(c.MissingShare);
            Assert.Null(c.OutOfRangeShare);
            Assert.Equal(DriftStatus.NoData, c.Status);
            Assert.All(c.Bins, b => Assert.Equal(0, b.Live));
        });
        Assert.Equal([0.25, 0.25, 0.25, 0.25], report.Columns[0].Bins.Select(b => b.Training));
    }

    [Fact]
    public void ANumericRecordInTextOrBooleanFormReadsAsItsNumber()
    {
        var drift = new DriftAccumulator(Profile());
        drift.AddRecord([T("2"), T("A")]);
        drift.AddRecord([CellValue.FromBoolean(true), T("A")]);
        drift.AddRecord([T("n/a"), T("A")]);

        var column = drift.Report().Columns[0];

        Assert.Equal([1.0 / 3, 1.0 / 3, 0, 0, 1.0 / 3], column.Bins.Select(b => b.Live));
    }

    [Fact]
    public void AMulticlassOutputCountsThePredictedClass()
    {
        var profile = new TrainingProfile(4, [], BaselineBuilder.Labels("label", ["a", "b", "c"], [0, 0, 1, 2]));
        var drift = new DriftAccumulator(profile);
        drift.AddOutput([0.2, 0.5, 0.3]);
        drift.AddOutput([0.4, 0.4, 0.2]);   // a tie goes to the first class, as the model labels it

        var output = drift.Report().Output;

        Assert.Equal(["a", "b", "c"], output.Bins.Select(b => b.Label));
        Assert.Equal([0.5, 0.25, 0.25], output.Bins.Select(b => b.Training));
        Assert.Equal([0.5, 0.5, 0], output.Bins.Select(b => b.Live));
        Assert.Equal(0, output.OutOfRangeShare);
        Assert.Throws<ArgumentException>(() => drift.AddOutput([1.0]));
    }

    [Fact]
    public void ARecordOfTheWrongWidthIsRefused() =>
        Assert.Throws<ArgumentException>(() => new DriftAccumulator(Profile()).AddRecord([N(1)]));
}
