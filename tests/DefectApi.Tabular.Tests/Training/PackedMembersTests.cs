namespace DefectApi.Tabular.Tests.Training;

public class PackedMembersTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    private static readonly TabularTrainingOptions Packed =
        TrainedModels.FastOptions with { EnsembleSize = null, PackedMembers = 4, Epochs = 100 };

    [Fact]
    public void OnePackedNetworkOnAHoldOutSplitIsStoredAsItsMembersAndLearnsTheRule()
    {
        var model = TabularTrainer.Train(models.Frame, Packed, null, default, default).Artifact;

        Assert.Equal(4, model.Members.Count);
        Assert.NotNull(model.Members.Packed);
        Assert.All(model.Members, m => Assert.Equal(model.Members[0].Network.Spec.Layers, m.Network.Spec.Layers));
        Assert.NotEqual(model.Members[0].Network.Parameters.ToArray(), model.Members[1].Network.Parameters.ToArray());
        Assert.True((double)model.Metrics["auc"] > 0.9, $"auc {model.Metrics["auc"]}");
        // One hold-out split of validationFraction 0.2: 80 of the 400 rows give the metrics.
        Assert.Equal(80L, ((long[][])model.Metrics["confusionMatrix"]).Sum(row => row.Sum()));
    }

    [Fact]
    public void APackedModelIsWrittenAndReadAsAnyOtherAndPredictsTheSame()
    {
        var model = TabularTrainer.Train(models.Frame, Packed with { Epochs = 10 }, null, default, default).Artifact;
        var again = ModelArtifact.FromBytes(model.ToBytes());
        var records = new[] { TrainedModels.Record(9, 2), TrainedModels.Record(1, 0.5), TrainedModels.Record(null, 4, "L2") };

        Assert.Equal(model.Members.Count, again.Members.Count);
        Assert.Equal(model.Predict(records).Predictions.Select(p => p.Probability),
            again.Predict(records).Predictions.Select(p => p.Probability));
    }

    [Fact]
    public void PackedNetworksPerCrossValidationMemberAreTheSameWhetherTrainedSideBySideOrInTurn()
    {
        // In turn, each packed network has both cores as engine threads; side by side, one each.
        var options = Packed with { EnsembleSize = 2, PackedMembers = 3, Epochs = 8 };
        var inTurn = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 1 }, null, default, default).Artifact;
        var sideBySide = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 2 }, null, default, default).Artifact;

        Assert.Equal(6, inTurn.Members.Count);
        Assert.Equal(inTurn.ToBytes(), sideBySide.ToBytes());
    }

    [Theory]
    [InlineData(0, false, true)]
    [InlineData(2, false, true)]
    [InlineData(64, false, true)]
    [InlineData(1, false, false)]
    [InlineData(65, false, false)]
    [InlineData(-1, false, false)]
    [InlineData(8, true, false)]
    public void PackedMembersAreOffOrTwoToSixtyFourWithoutTheInputScale(int members, bool inputScaling, bool valid)
    {
        var errors = new TabularTrainingOptions { Target = "y", PackedMembers = members, InputScaling = inputScaling }.Validate();
        Assert.Equal(valid, !errors.ContainsKey("packedMembers"));
    }
}
