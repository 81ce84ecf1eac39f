namespace DefectApi.Tabular.Tests.Training;

public class ColumnSelectionTests
{
    private static readonly TabularFrame Frame = TestData.Frame(TestData.Csv("UDI,serial,line,temp,pressure,y", 60,
        i => $"{i + 1},SN{i:D4},L1,{20 + i % 7},{1 + i % 3},{i % 2}"));

    private static ModelArtifact Train(TabularTrainingOptions options) =>
        TabularTrainer.Train(Frame, options with { Epochs = 2 }, null, default, default).Artifact;

    [Fact]
    public void EveryUnusedColumnIsListedWithItsReason()
    {
        var model = Train(new TabularTrainingOptions { Target = "y", Exclude = ["pressure"] });

        Assert.Equal(["temp"], model.Inputs.Select(i => i.Name));
        Assert.Equal(
            [new DroppedColumn("UDI", "identifier"), new DroppedColumn("serial", "identifier"), new DroppedColumn("line", "constant"),
             new DroppedColumn("pressure", "excluded"), new DroppedColumn("y", "target")],
            model.Dropped);
    }

    [Fact]
    public void FeaturesListChoosesExactlyThoseColumns()
    {
        var model = Train(new TabularTrainingOptions { Target = "y", Features = ["pressure", "UDI"] });

        Assert.Equal(["UDI", "pressure"], model.Inputs.Select(i => i.Name));
        Assert.Contains(new DroppedColumn("temp", "not in features"), model.Dropped);
    }

    [Fact]
    public void UnknownColumnNamesInFeaturesOrExcludeAreNamed()
    {
        var error = Assert.Throws<TrainingDataException>(() => Train(new TabularTrainingOptions
        {
            Target = "y", Features = ["temp", "tmp"],
            Exclude = ["presure"]
        }));

        Assert.Contains("'tmp'", error.Message);
        Assert.Contains("'presure'", error.Message);
    }

    [Fact]
    public void NoUsableColumnIsATrainingDataError() =>
        Assert.Throws<TrainingDataException>(() => Train(new TabularTrainingOptions { Target = "y", Exclude = ["temp", "pressure"] }));
}
