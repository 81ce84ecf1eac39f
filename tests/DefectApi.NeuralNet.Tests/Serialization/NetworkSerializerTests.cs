using DefectApi.NeuralNet.Serialization;

namespace DefectApi.NeuralNet.Tests.Serialization;

public class NetworkSerializerTests
{
    private static readonly NetworkSpec Spec = Data.Spec(5, (6, Activation.LeakyRelu), (4, Activation.Tanh),
        (2, Activation.Linear)) with
    { Dropout = 0.25f };

    [Fact]
    public void RoundTripGivesByteIdenticalPredictions()
    {
        var network = Network.Create(Spec, 3);
        var copy = Network.FromBytes(network.ToBytes());
        Assert.Equal(network.Spec.Inputs, copy.Spec.Inputs);
        Assert.Equal(network.Spec.Dropout, copy.Spec.Dropout);
        Assert.Equal(network.Spec.Layers, copy.Spec.Layers);
        var x = Data.Uniform(30 * 5, 4);
        float[] a = new float[60], b = new float[60];
        network.Predict(x, 30, a);
        copy.Predict(x, 30, b);
        Assert.Equal(Data.Bytes(a), Data.Bytes(b));
        Assert.Equal(network.ToBytes(), copy.ToBytes());
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        var blob = Network.Create(Spec, 3).ToBytes();
        for (int i = 0; i < blob.Length; i++)
        {
            var bad = (byte[])blob.Clone();
            bad[i] ^= 0x5A;
            Assert.Throws<NetworkFormatException>(() => Network.FromBytes(bad));
        }
    }

    [Fact]
    public void EveryTruncationIsDetected()
    {
        var blob = Network.Create(Spec, 3).ToBytes();
        for (int length = 0; length < blob.Length; length++)
            Assert.Throws<NetworkFormatException>(() => Network.FromBytes(blob.AsSpan(0, length)));
        Assert.Throws<NetworkFormatException>(() => Network.FromBytes([.. blob, 0]));
    }

    [Fact]
    public void ForeignBytesAreRefusedWithAClearMessage()
    {
        var e = Assert.Throws<NetworkFormatException>(() => Network.FromBytes("{\"not\":\"a network\"}"u8));
        Assert.Contains("magic", e.Message);
        var garbage = Data.Uniform(1000, 1).Select(v => (byte)(v * 127)).ToArray();
        Assert.Throws<NetworkFormatException>(() => Network.FromBytes(garbage));
    }

    [Fact]
    public void UnknownVersionIsRefused()
    {
        var blob = Network.Create(Spec, 3).ToBytes();
        blob[4] = 99;
        var e = Assert.Throws<NetworkFormatException>(() => Network.FromBytes(blob));
        Assert.Contains("version 99", e.Message);
    }
}
