namespace DefectApi.Tabular.Tests.Monitoring;

public class TrainingProfileTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void TrainingStoresAProfilePerInputInInputOrder()
    {
        var profile = models.Binary.Profile!;

        Assert.Equal(400, profile.TrainingRows);
        Assert.Equal(models.Binary.Inputs.Select(i => i.Name), profile.Columns.Select(c => c.Name));
        Assert.Equal(models.Binary.Inputs.Select(i => i.Type), profile.Columns.Select(c => c.Type));
        Assert.Equal([BaselineKind.Numeric, BaselineKind.Numeric, BaselineKind.Categorical, BaselineKind.Categorical,
            BaselineKind.NotChecked],
            profile.Columns.Select(c => c.Kind));
        Assert.All(profile.Columns.Where(c => c.Kind != BaselineKind.NotChecked), c => Assert.Equal(1, c.Shares.Sum() + c.MissingShare, 9));
    }

    [Fact]
    public void TheProfileHoldsWhatTheTrainingRowsHold()
    {
        var columns = models.Binary.Profile!.Columns;
        var temp = columns[0];
        var line = columns[2];
        var coated = columns[3];

        Assert.Equal(24.0 / 400, temp.MissingShare, 12);   // every 17th of 400 rows, from row 0
        Assert.Equal(9, temp.Edges.Count);
        Assert.InRange(temp.Min, 0, 1);
        Assert.InRange(temp.Max, 9, 10);
        Assert.Equal(["L2", "L1", "L9"], line.Categories);   // most common first
        Assert.Equal([200.0 / 400, 192.0 / 400, 8.0 / 400, 0], line.Shares);
        Assert.Equal(["false", "true"], coated.Categories);   // yes/no read as booleans
        Assert.Equal(134.0 / 400, coated.Shares[1], 12);
    }

    [Fact]
    public void TheOutputProfileIsTheOutOfFoldProbability()
    {
        var output = models.Binary.Profile!.Output;

        Assert.Equal("probability", output.Name);
        Assert.Equal(TrainingProfile.OutputType, output.Type);
        Assert.Equal(BaselineKind.Numeric, output.Kind);
        Assert.InRange(output.Min, 0, output.Max);
        Assert.InRange(output.Max, output.Min, 1);
        Assert.Equal(1, output.Shares.Sum(), 12);
    }

    [Fact]
    public void TheTrainingRowsScoredAgainstTheProfileShowNoDrift()
    {
        var model = models.Binary;
        var drift = new DriftAccumulator(model);
        var columns = model.Inputs.Select(i => models.Frame.IndexOf(i.Name)).ToArray();
        for (int r = 0; r < models.Frame.RowCount; r++) drift.AddRecord(columns.Select(c => models.Frame.GetCell(r, c)).ToArray());

        var report = drift.Report();

        Assert.All(report.Columns.Where(c => c.Type != "datetime"), c => Assert.Equal(0, c.Psi!.Value, 12));
        Assert.All(report.Columns.Where(c => c.Type != "datetime"), c => Assert.Equal(DriftStatus.Ok, c.Status));
        var ts = Assert.Single(report.Columns, c => c.Type == "datetime");
        Assert.Null(ts.Psi);
        Assert.Equal(0, ts.MissingShare);
        Assert.Equal(DriftStatus.NotChecked, ts.Status);
        Assert.Equal(DriftStatus.NoData, report.Output.Status);
    }

    [Fact]
    public void TheProfileSurvivesToBytesAndFromBytes()
    {
        var bytes = models.Binary.ToBytes();

        var loaded = ModelArtifact.FromBytes(bytes);

        Assert.Equal(4, BitConverter.ToInt32(bytes, 4));
        Assert.Equal(bytes, loaded.ToBytes());
        Assert.NotNull(loaded.Profile);
        foreach (var (want, got) in models.Binary.Profile!.Columns.Append(models.Binary.Profile.Output)
                     .Zip(loaded.Profile.Columns.Append(loaded.Profile.Output)))
        {
            Assert.Equal(want.Name, got.Name);
            Assert.Equal(want.Type, got.Type);
            Assert.Equal(want.Kind, got.Kind);
            Assert.Equal(want.Edges, got.Edges);
            Assert.Equal(want.Categories, got.Categories);
            Assert.Equal(want.OtherCategories, got.OtherCategories);
            Assert.Equal(want.Shares, got.Shares);
            Assert.Equal(want.MissingShare, got.MissingShare);
            Assert.Equal(want.Min, got.Min);
            Assert.Equal(want.Max, got.Max);
        }
    }

    [Fact]
    public void ANewThresholdKeepsTheProfile()
    {
        Assert.Same(models.Binary.Profile, models.Binary.WithThreshold(0.3).Profile);
        Assert.Same(models.Binary.Profile, models.Binary.WithCostThreshold(1, 5).Profile);
    }

    [Theory]
    [MemberData(nameof(ArtifactFormatTests.StoredBeforeProfiles), MemberType = typeof(ArtifactFormatTests))]
    public void AModelStoredBeforeProfilesHasNoneAndCannotBeMonitored(string dataset, int version)
    {
        var model = ArtifactFormatTests.Load(dataset, version);

        Assert.Null(model.Profile);
        Assert.Null(ModelArtifact.FromBytes(model.ToBytes()).Profile);
        Assert.Throws<InvalidOperationException>(() => new DriftAccumulator(model));
    }
}
