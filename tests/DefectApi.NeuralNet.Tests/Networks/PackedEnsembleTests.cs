namespace DefectApi.NeuralNet.Tests.Networks;

public class PackedEnsembleTests
{
    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 1 },            // the output layer alone
        new[] { 20, 1 },        // Keras-sized
        new[] { 128, 64, 3 },   // the service's default, multiclass
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryMembersOutputsAreThoseOfItsOwnNetwork(int[] units)
    {
        var spec = Data.Spec(11, units.Select((u, i) => (u, i == units.Length - 1 ? Activation.Linear : Activation.Relu)).ToArray());
        var members = Enumerable.Range(0, 5).Select(seed => Network.Create(spec, seed)).ToArray();
        const int rows = 150;   // more than two internal chunks, the last one partial
        var x = Data.Uniform(rows * 11, 7);
        var packed = PackedEnsemble.TryPack(members)!;
        var outputs = new float[members.Length * rows * packed.Outputs];

        packed.Predict(x, rows, outputs);

        for (int m = 0; m < members.Length; m++)
        {
            var own = new float[rows * packed.Outputs];
            members[m].Predict(x, rows, own);
            var block = outputs.AsSpan(m * own.Length, own.Length).ToArray();
            for (int i = 0; i < own.Length; i++) Assert.Equal(own[i], block[i], 1e-5f * Math.Max(1f, Math.Abs(own[i])));
        }
    }

    [Fact]
    public void NetworksOfDifferentShapesAreNotPacked()
    {
        var a = Network.Create(Data.Spec(4, (8, Activation.Relu), (1, Activation.Linear)), 1);
        var wider = Network.Create(Data.Spec(4, (9, Activation.Relu), (1, Activation.Linear)), 1);
        var tanh = Network.Create(Data.Spec(4, (8, Activation.Tanh), (1, Activation.Linear)), 1);

        Assert.Null(PackedEnsemble.TryPack([a, wider]));
        Assert.Null(PackedEnsemble.TryPack([a, tanh]));
        Assert.NotNull(PackedEnsemble.TryPack([a, a]));
    }

    [Fact]
    public void TooLittleRoomForTheOutputsIsRefused()
    {
        var a = Network.Create(Data.Spec(4, (8, Activation.Relu), (1, Activation.Linear)), 1);
        var packed = PackedEnsemble.TryPack([a, a])!;
        Assert.Throws<ArgumentException>(() => packed.Predict(new float[3 * 4], 3, new float[3]));
    }
}
