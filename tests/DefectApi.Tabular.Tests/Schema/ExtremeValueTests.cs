using System.Globalization;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular.Tests.Schema;

/// <summary>Finite input near the ends of double's range (±1e308) must give finite statistics and a trainable column.</summary>
public class ExtremeValueTests
{
    [Fact]
    public async Task ValuesNearTheLimitsOfDoubleGiveAFiniteMeanAndStandardDeviation()
    {
        var (dataset, _) = await TestData.IngestAsync("x,y\n1e308,1\n-1e308,2\n3,3\n");

        var x = dataset.Columns[0];
        Assert.Equal(ColumnType.Numeric, x.Type);
        Assert.Equal(1, x.Mean!.Value, 1e-9);
        // The sample standard deviation is 1e308 (deviations ±1e308, divided by n − 1 = 2).
        Assert.Equal(1e308, x.Std!.Value, 1e294);
    }

    [Fact]
    public void AStandardDeviationBeyondDoublesRangeIsTheLargestDoubleNotInfinity()
    {
        var moments = new RunningMoments();
        foreach (var v in new[] { 1.7e308, -1.7e308 }) moments.Add(v);

        Assert.Equal(0, moments.Mean);
        Assert.Equal(double.MaxValue, moments.SampleStd);
    }

    [Fact]
    public void ScalingLeavesOrdinaryStatisticsUnchangedToTheBit()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 500).Select(_ => (random.NextDouble() - 0.3) * 1e6).ToArray();
        var moments = new RunningMoments();
        double mean = 0, m2 = 0;
        for (int i = 0; i < values.Length; i++)
        {
            moments.Add(values[i]);
            double delta = values[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (values[i] - mean);
        }
        double plainMean = values.Average();
        double plainStd = Math.Sqrt(values.Sum(v => (v - plainMean) * (v - plainMean)) / values.Length);

        Assert.Equal(mean, moments.Mean);
        Assert.Equal(Math.Sqrt(m2 / (values.Length - 1)), moments.SampleStd);
        Assert.Equal((plainMean, plainStd), FiniteStatistics.MeanAndStd(values));
    }

    [Fact]
    public void AColumnNearTheLimitsOfDoubleTrainsToFiniteWeightsAndPredictions()
    {
        // Every tenth x is ±1e308; the class follows the sign of x, so the column matters.
        var frame = TestData.Frame(TestData.Csv("x,other,y", 80, i =>
        {
            double x = i % 10 == 0 ? (i % 20 == 0 ? 1e308 : -1e308) : (i % 2 == 0 ? 1 : -1) * (1 + i);
            return string.Create(CultureInfo.InvariantCulture, $"{x:R},{i % 7},{(x > 0 ? "OK" : "NG")}");
        }));

        var model = TabularTrainer.Train(frame, new TabularTrainingOptions { Target = "y", Epochs = 5, EnsembleSize = 2, HiddenLayers = [8] },
            null, default, default).Artifact;

        Assert.All(model.Members, m => Assert.All(m.Network.Parameters.ToArray(), w => Assert.True(float.IsFinite(w))));
        var records = new[] { 1e308, -1e308, 5, -5 }.Select(x => (IReadOnlyDictionary<string, CellValue>)new Dictionary<string, CellValue>
            { ["x"] = CellValue.FromNumber(x), ["other"] = CellValue.FromNumber(3) }).ToList();
        Assert.All(model.Predict(records).Predictions, p => Assert.True(double.IsFinite(p.Probability!.Value)));
    }

    [Fact]
    public void ARegressionTargetNearTheLimitsOfDoubleIsStandardisedToFiniteTargets()
    {
        var frame = TestData.Frame(TestData.Csv("x,y", 40, i =>
            string.Create(CultureInfo.InvariantCulture, $"{i},{(i % 2 == 0 ? 1.5e308 : -1.5e308):R}")));

        var model = TabularTrainer.Train(frame, new TabularTrainingOptions { Target = "y", Task = TaskKind.Regression, Epochs = 3, EnsembleSize = 1, HiddenLayers = [4] },
            null, default, default).Artifact;

        Assert.All(model.Members[0].Network.Parameters.ToArray(), w => Assert.True(float.IsFinite(w)));
        Assert.True(double.IsFinite(model.TargetSpec.Std) && double.IsFinite(model.TargetSpec.Mean));
    }
}
