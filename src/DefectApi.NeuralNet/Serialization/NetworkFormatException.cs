namespace DefectApi.NeuralNet.Serialization;

// The only exception FromBytes throws for a blob it cannot trust.
public sealed class NetworkFormatException : Exception
{
    public NetworkFormatException(string message) : base(message) { }
}
