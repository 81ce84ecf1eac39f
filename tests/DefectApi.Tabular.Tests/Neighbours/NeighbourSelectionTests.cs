using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular.Tests.Neighbours;

public class NeighbourSelectionTests
{
    private static readonly TargetSpec Binary = new(TargetSpec.Binary, ["OK", "NG"], 0, 1);
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
        var regression = new TargetSpec(TargetSpec.Regression, null, 0, 1);
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
        var multiclass = new TargetSpec(TargetSpec.Multiclass, ["a", "b", "c"], 0, 1);
        double[] actuals = [0, 2];
        double[] networks = [0.2, 0.4, 0.4, 0.5, 0.3, 0.2];
        double[] votes = [0.6, 0.2, 0.2, 0.0, 0.2, 0.8];

        double loss = NeighbourSelection.Loss(multiclass, networks, votes, 0.5, actuals);

        Assert.Equal(-(Math.Log(0.4) + Math.Log(0.5)) / 2, loss, 12);
    }
}
