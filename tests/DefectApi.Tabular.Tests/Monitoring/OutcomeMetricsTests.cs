namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>Live metrics on hand-made predictions and outcomes, each worked out by hand in the comments.</summary>
public class OutcomeMetricsTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void BinaryMetricsAtTheModelsThresholdAndTheDefectRates()
    {
        var model = models.Binary.WithThreshold(0.5);
        string negative = model.Classes![0], positive = model.Classes[1];
        double[] scores = [0.9, 0.8, 0.3, 0.1];
        var actuals = new[] { positive, negative, positive, negative }.Select(a => OutcomeMetrics.Parse(model, a).Actual!.Value).ToArray();

        var metrics = OutcomeMetrics.Compute(model, scores, [null, null, null, null], actuals);

        // At 0.5: TP = 0.9, FP = 0.8, FN = 0.3, TN = 0.1, so precision = recall = F1 = 1/2.
        Assert.Equal(0.5, metrics["precision"]);
        Assert.Equal(0.5, metrics["recall"]);
        Assert.Equal(0.5, metrics["f1"]);
        // Positive-negative pairs ordered right: (0.9, 0.8), (0.9, 0.1), (0.3, 0.1) of 4.
        Assert.Equal(0.75, metrics["auc"]);
        Assert.Equal(0.5, metrics["observedDefectRate"]);
        Assert.Equal(0.525, metrics["meanPredictedDefectRate"]!.Value, 12);
    }

    [Fact]
    public void AucIsNullWhenOnlyOneClassHasOutcomes()
    {
        var model = models.Binary;
        var metrics = OutcomeMetrics.Compute(model, [0.2, 0.7], [null, null], [1, 1]);

        Assert.Null(metrics["auc"]);
        Assert.Equal(1.0, metrics["observedDefectRate"]);
    }

    [Fact]
    public void RegressionRmseMaeAndBias()
    {
        var frame = TestData.Frame(TestData.Csv("x,y", 60, i => $"{i % 10},{i % 10 * 2}"));
        var model = TabularTrainer.Train(frame, new TabularTrainingOptions { Target = "y", Epochs = 2, EnsembleSize = 1 }, null,
            default, default).Artifact;

        // Errors (predicted − actual) 0, 1, −2: rmse = √(5/3), mae = 1, bias = −1/3.
        var metrics = OutcomeMetrics.Compute(model, [1, 2, 3], [null, null, null], [1, 1, 5]);

        Assert.Equal(Math.Sqrt(5.0 / 3), metrics["rmse"]!.Value, 12);
        Assert.Equal(1.0, metrics["mae"]!.Value, 12);
        Assert.Equal(-1.0 / 3, metrics["bias"]!.Value, 12);
        Assert.Contains("not a number", OutcomeMetrics.Parse(model, "tall").Problem);
    }

    [Fact]
    public void MulticlassAccuracyAndMacroF1()
    {
        var frame = TestData.Frame(TestData.Csv("a,fault", 120,
            i => $"{i % 3},{(i % 3 == 0 ? "Bumps" : i % 3 == 1 ? "Stains" : "Pastry")}"));
        // The label is a noiseless function of 'a', which leak detection rightly flags; this test is about the metrics.
        var model = TabularTrainer.Train(frame, new TabularTrainingOptions
        {
            Target = "fault", Epochs = 2, EnsembleSize = 1,
            Leakage = LeakagePolicy.Off
        },
            null, default, default).Artifact;
        // Classes in order: Bumps, Pastry, Stains.
        string[] predicted = ["Bumps", "Bumps", "Pastry", "Stains"];
        var actuals = new[] { "Bumps", "Pastry", "Pastry", "Stains" }.Select(a => OutcomeMetrics.Parse(model, a).Actual!.Value).ToArray();

        var metrics = OutcomeMetrics.Compute(model, [0, 0, 0, 0], predicted, actuals);

        // 3 of 4 right. F1: Bumps 2·1/(2+1+0) = 2/3, Pastry 2·1/(2+0+1) = 2/3, Stains 1: mean 7/9.
        Assert.Equal(0.75, metrics["accuracy"]);
        Assert.Equal(7.0 / 9, metrics["macroF1"]!.Value, 12);
        Assert.Contains("'Dents' is not a class", OutcomeMetrics.Parse(model, "Dents").Problem);
    }
}
