using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Tests.Training;

public class TargetSpecTests
{
    private static TargetSpec Resolve(string csv, TaskKind task = TaskKind.Auto, string? positive = null)
    {
        var frame = TestData.Frame(csv);
        return TargetResolver.Resolve(frame, frame.IndexOf("y"), new TabularTrainingOptions
        {
            Target = "y", Task = task,
            PositiveClass = positive
        }).Spec;
    }

    private static string Rows(params string[] labels) => "x,y\n" + string.Concat(labels.Select((l, i) => $"{i},{l}\n"));

    [Theory]
    [InlineData("0", "1")]
    [InlineData("-1", "1")]
    [InlineData("OK", "NG")]
    [InlineData("pass", "fail")]
    [InlineData("true", "false")]
    public void TwoValuesMakeABinaryTargetWithTheMinorityAsPositive(string common, string rare)
    {
        var spec = Resolve(Rows(common, common, rare, common));

        Assert.Equal(TaskKind.Binary, spec.Task);
        Assert.Equal([common, rare], spec.Classes!);
    }

    [Fact]
    public void EqualCountsPreferADefectWordAsPositive() => Assert.Equal(["OK", "NG"], Resolve(Rows("OK", "NG")).Classes!);

    [Fact]
    public void PositiveClassCanBeChosen() => Assert.Equal(["1", "0"], Resolve(Rows("0", "0", "1"), positive: "0").Classes!);

    [Fact]
    public void UnknownPositiveClassIsATrainingDataError() =>
        Assert.Throws<TrainingDataException>(() => Resolve(Rows("0", "1"), positive: "2"));

    [Fact]
    public void ManyNumbersMakeARegressionTarget()
    {
        var spec = Resolve(Rows("1", "2", "3", "6"));

        Assert.Equal(TaskKind.Regression, spec.Task);
        Assert.Equal(3, spec.Mean);
    }

    [Fact]
    public void TextWithSeveralValuesMakesAMulticlassTargetInSortedOrder()
    {
        var spec = Resolve(Rows("Bumps", "Stains", "Bumps", "Dirtiness"));

        Assert.Equal(TaskKind.Multiclass, spec.Task);
        Assert.Equal(["Bumps", "Dirtiness", "Stains"], spec.Classes!);
    }

    [Fact]
    public void RowsWithoutATargetAreLeftOut()
    {
        var frame = TestData.Frame(Rows("1", "", "2", "NA", "5"));
        var (_, rows, targets) = TargetResolver.Resolve(frame, 1, new TabularTrainingOptions { Target = "y" });

        Assert.Equal([0, 2, 4], rows);
        Assert.Equal(3, targets.Length);
    }

    [Fact]
    public void OneValuedTargetIsATrainingDataError() =>
        Assert.Contains("single value", Assert.Throws<TrainingDataException>(() => Resolve(Rows("1", "1", "", "1"))).Message);

    [Fact]
    public void AllTargetsMissingIsATrainingDataError()
    {
        var frame = TestData.Frame("x,y,z\n1,,a\n2,,b\n");
        Assert.Throws<TrainingDataException>(() => TargetResolver.Resolve(frame, 1, new TabularTrainingOptions { Target = "y" }));
    }

    [Fact]
    public void MoreThanOneHundredClassesIsATrainingDataError() =>
        Assert.Contains("at most 100", Assert.Throws<TrainingDataException>(
            () => Resolve(Rows(Enumerable.Range(0, 101).Select(i => $"c{i}").ToArray()), TaskKind.Multiclass)).Message);

    [Fact]
    public void RegressionOnTextIsATrainingDataError() =>
        Assert.Throws<TrainingDataException>(() => Resolve(Rows("a", "b", "c"), TaskKind.Regression));
}
