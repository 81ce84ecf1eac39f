namespace DefectApi.Tabular.Tests.Explanations;

public class IntegratedGradientsTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Theory]
    [InlineData(9.0, 4.5, "L2")]
    [InlineData(1.0, 0.5, "L1")]
    [InlineData(null, 3.0, "L9")]
    public void ContributionsSumToThePredictionMinusTheBaselinePrediction(double? temp, double pressure, string line)
    {
        var record = TrainedModels.Record(temp, pressure, line);

        var explanation = models.Binary.Explain([record], top: 50)[0];

        Assert.Equal(models.Binary.Inputs.Count, explanation.Reasons.Count);
        Assert.Equal(models.Binary.Predict([record]).Predictions[0].Probability!.Value, explanation.Prediction, 9);
        double sum = explanation.Reasons.Sum(r => r.Contribution);
        Assert.Equal(explanation.Prediction - explanation.BaselinePrediction, sum, 2);
    }

    [Fact]
    public void TheRuleSColumnsExplainADefectAndTheReasonsComeLargestFirst()
    {
        var explanation = models.Binary.Explain([TrainedModels.Record(9.5, 4.8)], top: 2)[0];

        Assert.Equal(2, explanation.Reasons.Count);
        Assert.Equal(["pressure", "temp"], explanation.Reasons.Select(r => r.Column).Order());
        Assert.All(explanation.Reasons, r => Assert.True(r.Contribution > 0, $"{r.Column} {r.Contribution}"));
        Assert.True(Math.Abs(explanation.Reasons[0].Contribution) >= Math.Abs(explanation.Reasons[1].Contribution));
        Assert.Equal(4.8, explanation.Reasons.Single(r => r.Column == "pressure").Value.Number);
    }

    [Fact]
    public void TheSameRecordIsExplainedTheSameWayEveryTime()
    {
        var record = TrainedModels.Record(7, 3, "L2");

        var first = models.Binary.Explain([record], 5)[0];
        var second = models.Binary.Explain([record], 5)[0];

        Assert.Equal(first.Reasons, second.Reasons);
    }
}
