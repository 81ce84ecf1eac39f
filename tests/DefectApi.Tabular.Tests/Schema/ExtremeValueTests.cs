using DefectApi.Tabular.Optimization;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Targets;

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

    /// <summary>Every tenth x is ±1e308 (near both ends of double's range); the class follows the sign of x.</summary>
    static ModelArtifact TrainOnExtremeColumn()
    {
        var frame = TestData.Frame(TestData.Csv("x,other,y", 80, i =>
        {
            double x = i % 10 == 0 ? (i % 20 == 0 ? 1e308 : -1e308) : (i % 2 == 0 ? 1 : -1) * (1 + i);
            return string.Create(CultureInfo.InvariantCulture, $"{x:R},{i % 7},{(x > 0 ? "OK" : "NG")}");
        }));
        // y is the sign of x, which leak detection rightly flags; these tests are about the extreme values.
        return TabularTrainer.Train(frame, new TabularTrainingOptions
        {
            Target = "y", Epochs = 5, EnsembleSize = 2, HiddenLayers = [8],
            Leakage = LeakagePolicy.Off
        },
            null, default, default).Artifact;
    }

    static Dictionary<string, CellValue> Record(double x) => new() { ["x"] = CellValue.FromNumber(x), ["other"] = CellValue.FromNumber(3) };

    [Fact]
    public void AColumnNearTheLimitsOfDoubleTrainsToFiniteWeightsAndPredictions()
    {
        var model = TrainOnExtremeColumn();

        Assert.All(model.Members, m => Assert.All(m.Network.Parameters.ToArray(), w => Assert.True(float.IsFinite(w))));
        var records = new[] { 1e308, -1e308, 5, -5 }.Select(x => (IReadOnlyDictionary<string, CellValue>)Record(x)).ToList();
        Assert.All(model.Predict(records).Predictions, p => Assert.True(double.IsFinite(p.Probability!.Value)));
    }

    [Fact]
    public void SensitivityExplanationsAndOptimisationOverSuchAColumnGiveFiniteNumbers()
    {
        var model = TrainOnExtremeColumn();

        var sensitivity = model.Sensitivity("x", 9);
        var reasons = model.Explain([Record(-1e308), Record(1e308), Record(5)], 2).SelectMany(e => e.Reasons).ToList();
        var optimisation = model.Optimize(new OptimizationRequest(Record(-1e308), "maximize", [new AdjustableColumn("x", Step: 1e306)]));

        Assert.Empty(sensitivity.Errors);
        Assert.Empty(optimisation.Errors);
        var (points, optimised) = (sensitivity.Points!, optimisation.Result!);

        Assert.All(points, p => Assert.True(double.IsFinite(p.Value.Number) && double.IsFinite(p.Prediction), $"{p}"));
        Assert.Equal(-1e308, points[0].Value.Number);
        Assert.Equal(1e308, points[^1].Value.Number);
        Assert.All(reasons, r => Assert.True(double.IsFinite(r.Contribution), $"{r}"));
        Assert.True(double.IsFinite(optimised.Recommended["x"].Number) && double.IsFinite(optimised.After.Probability!.Value));
    }

    [Fact]
    public void ARegressionTargetNearTheLimitsOfDoubleIsStandardisedToFiniteTargets()
    {
        var frame = TestData.Frame(TestData.Csv("x,y", 40, i =>
            string.Create(CultureInfo.InvariantCulture, $"{i},{(i % 2 == 0 ? 1.5e308 : -1.5e308):R}")));

        var model = TabularTrainer.Train(frame, new TabularTrainingOptions
        {
            Target = "y", Task = TaskKind.Regression, Epochs = 3,
            EnsembleSize = 1, HiddenLayers = [4]
        },
            null, default, default).Artifact;

        Assert.All(model.Members[0].Network.Parameters.ToArray(), w => Assert.True(float.IsFinite(w)));
        Assert.True(double.IsFinite(model.TargetSpec.Std) && double.IsFinite(model.TargetSpec.Mean));
    }
}
