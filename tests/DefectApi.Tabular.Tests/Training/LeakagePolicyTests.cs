namespace DefectApi.Tabular.Tests.Training;

/// <summary>What training does with a probable leak under each leakage policy, and that the model keeps what it found.</summary>
public class LeakagePolicyTests
{
    private static readonly TabularFrame Frame = TestData.Frame(TestData.Csv("temp,pressure,scrap_code,defect", 400, i =>
    {
        double temp = 290 + (i * 37 % 100) / 5.0, pressure = 5 + (i * 53 % 40) / 10.0;
        bool defect = temp > 303 == (i % 10 != 0);
        // The scrap code is written only for defective parts: recorded with the outcome.
        return string.Create(CultureInfo.InvariantCulture, $"{temp},{pressure},{(defect ? "S" + (i % 3) : "")},{(defect ? 1 : 0)}");
    }));

    private static ModelArtifact Train(LeakagePolicy policy) => TabularTrainer.Train(Frame,
        new TabularTrainingOptions { Target = "defect", Leakage = policy, Epochs = 2, EnsembleSize = 1, HiddenLayers = [4] },
        null, default, default).Artifact;

    [Fact]
    public void ByDefaultALeakIsLeftOutWithItsReasonAndScore()
    {
        var model = Train(new TabularTrainingOptions { Target = "defect" }.Leakage);

        Assert.Equal(["temp", "pressure"], model.Inputs.Select(i => i.Name));
        var dropped = Assert.Single(model.Dropped, d => d.Reason == "leak");
        Assert.Equal("scrap_code", dropped.Name);
        Assert.Equal(1.0, dropped.Score);
        Assert.StartsWith("whether it is filled in predicts defect = 1 with precision 1.00 on ", dropped.Detail);
        Assert.Equal(new LeakFinding("scrap_code", 1.0, dropped.Detail!, Excluded: true), Assert.Single(model.Leaks));
    }

    [Fact]
    public void WarnKeepsTheLeakAsAnInputAndWarns()
    {
        var model = Train(LeakagePolicy.Warn);

        Assert.Contains("scrap_code", model.Inputs.Select(i => i.Name));
        Assert.DoesNotContain(model.Dropped, d => d.Reason == "leak");
        Assert.False(Assert.Single(model.Leaks).Excluded);
    }

    [Fact]
    public void OffLooksForNothing()
    {
        var model = Train(LeakagePolicy.Off);

        Assert.Contains("scrap_code", model.Inputs.Select(i => i.Name));
        Assert.Empty(model.Leaks);
    }

    [Fact]
    public void TheFindingsSurviveTheArtifactAndAModelWithoutThemKeepsFormatFour()
    {
        var model = Train(LeakagePolicy.Exclude);
        var bytes = model.ToBytes();

        var again = ModelArtifact.FromBytes(bytes);

        Assert.Equal(5, BitConverter.ToInt32(bytes, 4));
        Assert.Equal(model.Dropped, again.Dropped);
        Assert.Equal(model.Leaks, again.Leaks);
        Assert.Equal(bytes, again.ToBytes());
        Assert.Equal(4, BitConverter.ToInt32(Train(LeakagePolicy.Off).ToBytes(), 4));
    }

    [Fact]
    public void TheSameRequestGivesTheSameModelBitForBit() =>
        Assert.Equal(Train(LeakagePolicy.Exclude).ToBytes(), Train(LeakagePolicy.Exclude).ToBytes());

    [Fact]
    public void AnUnknownPolicyIsRefused() =>
        Assert.Contains("leakage", new TabularTrainingOptions { Target = "defect", Leakage = (LeakagePolicy)7 }.Validate().Keys);
}
