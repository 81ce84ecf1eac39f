namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>The output profile of each task is what the model answered on its out-of-fold validation rows, so those
/// answers counted live show no drift.</summary>
public class OutputProfileTests
{
    [Fact]
    public void AMulticlassModelProfilesThePredictedClass()
    {
        var model = Train(TrainedModels.FaultFrame(), "fault");
        var output = model.Profile!.Output;

        Assert.Equal("label", output.Name);
        Assert.Equal(BaselineKind.Categorical, output.Kind);
        Assert.Equal(model.Classes!, output.Categories);
        Assert.Equal(0, output.Shares[^1]);   // no "other" class
        Assert.Equal(1, output.Shares.Sum(), 12);
        AssertValidationShowsNoDrift(model);
    }

    [Fact]
    public void ARegressionModelProfilesTheValueInTheTargetsUnit()
    {
        var random = new Random(3);
        var frame = TestData.Frame(TestData.Csv("x,y", 300, _ =>
        {
            double x = random.NextDouble();
            return string.Create(CultureInfo.InvariantCulture, $"{x:F4},{1000 + 200 * x:F2}");
        }));
        var model = Train(frame, "y");
        var output = model.Profile!.Output;

        Assert.Equal("value", output.Name);
        Assert.Equal(BaselineKind.Numeric, output.Kind);
        Assert.Equal(model.Validation.Outputs.Min(), output.Min);
        Assert.Equal(model.Validation.Outputs.Max(), output.Max);
        AssertValidationShowsNoDrift(model);
    }

    private static ModelArtifact Train(TabularFrame frame, string target) =>
        TabularTrainer.Train(frame, new TabularTrainingOptions { Target = target, Epochs = 5, EnsembleSize = 1, HiddenLayers = [8] },
            null, default, default).Artifact;

    private static void AssertValidationShowsNoDrift(ModelArtifact model)
    {
        var drift = new DriftAccumulator(model);
        int width = model.Classes?.Count is > 2 and var classes ? classes : 1;
        for (int r = 0; r < model.Validation.Outputs.Length; r += width) drift.AddOutput(model.Validation.Outputs.AsSpan(r, width));

        var output = drift.Report().Output;

        Assert.Equal(0, output.Psi!.Value, 12);
        Assert.Equal(DriftStatus.Ok, output.Status);
        Assert.Equal(0, output.OutOfRangeShare);
    }
}
