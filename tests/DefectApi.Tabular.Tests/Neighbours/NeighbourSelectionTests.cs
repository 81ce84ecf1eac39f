using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Tests.Neighbours;

public class NeighbourSelectionTests
{
    private static readonly TargetSpec Binary = new(TaskKind.Binary, ["OK", "NG"], 0, 1);
    private static readonly double[] Actuals = Enumerable.Range(0, 40).Select(i => (double)(i % 2)).ToArray();

    private static double[] Constant(double value) => Actuals.Select(_ => value).ToArray();
    private static double[] Leaning(double towards) => Actuals.Select(a => a == 1 ? towards : 1 - towards).ToArray();

    [Fact]
    public void TheNetworksStayAloneWhenNoVoteImprovesTheirLogLoss()
    {
        var votes = NeighbourSelection.Counts.Select(_ => Constant(0.5)).ToArray();

        var choice = NeighbourSelection.Choose(Binary, Leaning(0.8), votes, NeighbourSelection.Counts, Actuals);

        Assert.Equal((0, 0.0), (choice.K, choice.Weight));
        Assert.Equal(choice.NetworksLoss, choice.Loss);
    }

    [Fact]
    public void TheCountWhoseVoteIsRightTakesAllTheWeightFromGuessingNetworks()
    {
        var votes = NeighbourSelection.Counts.Select(k => k == 10 ? Leaning(0.9) : Constant(0.5)).ToArray();

        var choice = NeighbourSelection.Choose(Binary, Constant(0.5), votes, NeighbourSelection.Counts, Actuals);

        Assert.Equal((10, 1.0), (choice.K, choice.Weight));
        Assert.Equal(-Math.Log(0.9), choice.Loss, 12);
        Assert.Equal(Math.Log(2), choice.NetworksLoss, 12);
    }

    [Fact]
    public void ARegressionBlendMeetsInTheMiddleWhenNetworksAndVotesErrOppositeWays()
    {
        var regression = new TargetSpec(TaskKind.Regression, null, 0, 1);
        var actuals = Enumerable.Range(0, 30).Select(i => i * 0.25).ToArray();
        var votes = NeighbourSelection.Counts.Select(_ => actuals.Select(a => a - 1).ToArray()).ToArray();

        var choice = NeighbourSelection.Choose(regression, actuals.Select(a => a + 1).ToArray(), votes, NeighbourSelection.Counts, actuals);

        // Every count votes the same, so the fewest neighbours win the tie.
        Assert.Equal((5, 0.5), (choice.K, choice.Weight));
        Assert.Equal(1, choice.NetworksLoss, 12);
    }

    [Fact]
    public void AMulticlassBlendMixesProbabilitiesAndScoresTheActualClass()
    {
        var multiclass = new TargetSpec(TaskKind.Multiclass, ["a", "b", "c"], 0, 1);
        double[] actuals = [0, 2];
        double[] networks = [0.2, 0.4, 0.4, 0.5, 0.3, 0.2];
        double[] votes = [0.6, 0.2, 0.2, 0.0, 0.2, 0.8];

        double loss = NeighbourSelection.Loss(multiclass, networks, votes, 0.5, actuals);

        Assert.Equal(-(Math.Log(0.4) + Math.Log(0.5)) / 2, loss, 12);
    }

    [Fact]
    public void ByItsMetricABinaryJobTakesTheLightestBlendThatRanksEveryDefectFirstWhereLogLossTakesTheVoteWhole()
    {
        double[] actuals = [0, 1, 0, 1];
        double[] networks = [0.4, 0.45, 0.5, 0.55];   // AUC 0.75: the second row's defect ranks below the third row
        double[] votes = [0, 1, 0, 1];
        var counts = NeighbourSelection.Counts;
        var allVotes = counts.Select(_ => votes).ToArray();

        var byMetric = NeighbourSelection.Choose(Binary, networks, allVotes, counts, actuals, NeighbourCriterion.Metric);
        var byLogLoss = NeighbourSelection.Choose(Binary, networks, allVotes, counts, actuals, NeighbourCriterion.LogLoss);

        Assert.Equal((5, 0.1, 0.0), (byMetric.K, byMetric.Weight, byMetric.Loss));
        Assert.Equal(0.25, byMetric.NetworksLoss, 12);
        Assert.Equal((5, 1.0), (byLogLoss.K, byLogLoss.Weight));
    }

    [Fact]
    public void ByItsMetricAMulticlassJobTakesTheLightestBlendThatPutsTheMostRowsRight()
    {
        var multiclass = new TargetSpec(TaskKind.Multiclass, ["a", "b", "c"], 0, 1);
        double[] actuals = [0, 2, 1];
        // The networks miss the second row narrowly; the votes are sure of it and wrong about nothing else.
        double[] networks = [0.6, 0.2, 0.2, 0.1, 0.46, 0.44, 0.1, 0.8, 0.1];
        double[] votes = [0.5, 0.25, 0.25, 0.0, 0.0, 1.0, 0.3, 0.4, 0.3];
        var counts = NeighbourSelection.Counts;

        var choice = NeighbourSelection.Choose(multiclass, networks, counts.Select(_ => votes).ToArray(), counts, actuals,
            NeighbourCriterion.Metric);

        // At weight 0.1 the second row is 0.414 for b against 0.496 for c: right, and so are the others.
        Assert.Equal((5, 0.1), (choice.K, choice.Weight));
        Assert.Equal((0.0, 1 / 3.0), (choice.Loss, choice.NetworksLoss));
        Assert.Equal(1 / 3.0, NeighbourSelection.ErrorRate(3, networks, votes, 0, actuals), 12);
    }
}
