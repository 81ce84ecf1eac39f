namespace DefectApi.NeuralNet.Tests.Networks;

public class NetworkTests
{
    private static readonly NetworkSpec Spec = Data.Spec(7, (20, Activation.Relu), (9, Activation.Sigmoid), (3, Activation.Linear));

    [Fact]
    public void SameSeedGivesIdenticalInitialWeights()
    {
        Assert.Equal(Data.Bytes(Network.Create(Spec, 4).Parameters), Data.Bytes(Network.Create(Spec, 4).Parameters));
        Assert.NotEqual(Data.Bytes(Network.Create(Spec, 4).Parameters), Data.Bytes(Network.Create(Spec, 5).Parameters));
    }

    [Theory]
    [InlineData(Activation.Relu, 2.0 / 400)]
    [InlineData(Activation.LeakyRelu, 2.0 / 400)]
    [InlineData(Activation.Tanh, 2.0 / 600)]
    [InlineData(Activation.Sigmoid, 2.0 / 600)]
    public void InitialWeightsHaveTheHeOrGlorotVariance(Activation activation, double variance)
    {
        var network = Network.Create(Data.Spec(400, (200, activation)), 1);
        var w = network.Parameters[..(400 * 200)].ToArray();
        double measured = w.Select(v => (double)v * v).Average();
        Assert.InRange(measured, 0.97 * variance, 1.03 * variance);
        Assert.All(network.Parameters[(400 * 200)..].ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void ParametersAreOneArrayOfTheRightSize()
    {
        var network = Network.Create(Spec, 1);
        Assert.Equal(7 * 20 + 20 + 20 * 9 + 9 + 9 * 3 + 3, network.Parameters.Length);
        Assert.Equal(7, network.Inputs);
        Assert.Equal(3, network.Outputs);
    }

    [Fact]
    public void PredictMatchesTheDoubleReference()
    {
        var network = Network.Create(Spec, 2);
        const int rows = 150; // more than one internal chunk
        var x = Data.Uniform(rows * 7, 3);
        var y = new float[rows * 3];
        network.Predict(x, rows, y);
        var expected = ReferenceMlp.Forward(Spec, network.Parameters.ToArray().Select(v => (double)v).ToArray(),
            x.Select(v => (double)v).ToArray(), rows);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 1e-5);
    }

    [Fact]
    public void PredictingOneRowEqualsTheMatchingBatchRow()
    {
        var network = Network.Create(Spec, 2);
        var x = Data.Uniform(5 * 7, 3);
        var batch = new float[5 * 3];
        network.Predict(x, 5, batch);
        var one = new float[3];
        network.Predict(x.AsSpan(14, 7), 1, one);
        Assert.Equal(batch.AsSpan(6, 3).ToArray(), one);
    }

    [Fact]
    public void PredictingOneRowAllocatesNothingAfterWarmUp()
    {
        var network = Network.Create(Spec, 2);
        var x = Data.Uniform(7, 3);
        var y = new float[3];
        network.Predict(x, 1, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) network.Predict(x, 1, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ConcurrentPredictionsOnOneNetworkAgreeWithSequentialOnes()
    {
        var network = Network.Create(Data.Spec(16, (64, Activation.Tanh), (2, Activation.Linear)), 3);
        const int rows = 200;
        var x = Data.Uniform(rows * 16, 8);
        var expected = new float[rows * 2];
        network.Predict(x, rows, expected);
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var y = new float[2];
            for (int rep = 0; rep < 50; rep++)
            {
                for (int r = t; r < rows; r += 4)
                {
                    network.Predict(x.AsSpan(r * 16, 16), 1, y);
                    if (y[0] != expected[2 * r] || y[1] != expected[2 * r + 1]) Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }

    [Fact]
    public void InvalidSpecsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Network.Create(new NetworkSpec(0, [new LayerSpec(1, Activation.Linear)]), 1));
        Assert.Throws<ArgumentException>(() => Network.Create(new NetworkSpec(3, []), 1));
        Assert.Throws<ArgumentException>(() => Network.Create(new NetworkSpec(3, [new LayerSpec(0, Activation.Linear)]), 1));
        Assert.Throws<ArgumentException>(() => Network.Create(new NetworkSpec(3, [new LayerSpec(1, Activation.Linear)], 1f), 1));
    }
}
