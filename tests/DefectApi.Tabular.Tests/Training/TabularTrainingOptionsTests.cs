namespace DefectApi.Tabular.Tests.Training;

public class TabularTrainingOptionsTests
{
    [Fact]
    public void DefaultsAreValid() => Assert.Empty(new TabularTrainingOptions { Target = "y" }.Validate());

    [Fact]
    public void OutOfRangeValuesAreKeyedByTheirCamelCaseField()
    {
        var errors = new TabularTrainingOptions
        {
            Target = "y",
            HiddenLayers = [64, 0, 5000],
            Dropout = 0.95,
            LearningRate = 0,
            L2 = -1,
            BatchSize = 70_000,
            Epochs = 0,
            EarlyStoppingPatience = -1,
            ValidationFraction = 0.6,
            Activation = NeuralNet.Specs.Activation.Linear,
            Optimizer = (NeuralNet.Optimizers.OptimizerKind)99,
            FalsePositiveCost = 0,
            FalseNegativeCost = 5,
        }.Validate();

        Assert.Equal(
            ["activation", "batchSize", "dropout", "earlyStoppingPatience", "epochs", "falsePositiveCost", "hiddenLayers", "l2",
             "learningRate", "optimizer", "validationFraction"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NineHiddenLayersAreTooMany() =>
        Assert.Contains("hiddenLayers", new TabularTrainingOptions
        {
            Target = "y", HiddenLayers = Enumerable.Repeat(8, 9)
            .ToArray()
        }.Validate().Keys);

    [Fact]
    public void OneCostWithoutTheOtherIsRejected() =>
        Assert.Contains("falseNegativeCost", new TabularTrainingOptions { Target = "y", FalsePositiveCost = 1 }.Validate().Keys);
}
