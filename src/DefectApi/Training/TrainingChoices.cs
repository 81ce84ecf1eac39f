using DefectApi.NeuralNet;
using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.Training;

/// <summary>The API's choices and the layers' own enums, value for value: the request's enums reach the engine as
/// enums, never as text.</summary>
public static class TrainingChoices
{
    public static Activation ToEngine(ActivationName activation) => activation switch
    {
        ActivationName.Relu => Activation.Relu,
        ActivationName.LeakyRelu => Activation.LeakyRelu,
        ActivationName.Tanh => Activation.Tanh,
        ActivationName.Sigmoid => Activation.Sigmoid,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a hidden-layer activation."),
    };

    public static ActivationName FromEngine(Activation activation) => activation switch
    {
        Activation.Relu => ActivationName.Relu,
        Activation.LeakyRelu => ActivationName.LeakyRelu,
        Activation.Tanh => ActivationName.Tanh,
        Activation.Sigmoid => ActivationName.Sigmoid,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a hidden-layer activation."),
    };

    public static OptimizerKind ToEngine(OptimizerName optimizer) => optimizer switch
    {
        OptimizerName.Sgd => OptimizerKind.Sgd,
        OptimizerName.Momentum => OptimizerKind.Momentum,
        OptimizerName.Nesterov => OptimizerKind.Nesterov,
        OptimizerName.Adam => OptimizerKind.Adam,
        OptimizerName.AdamW => OptimizerKind.AdamW,
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer."),
    };

    public static OptimizerName FromEngine(OptimizerKind optimizer) => optimizer switch
    {
        OptimizerKind.Sgd => OptimizerName.Sgd,
        OptimizerKind.Momentum => OptimizerName.Momentum,
        OptimizerKind.Nesterov => OptimizerName.Nesterov,
        OptimizerKind.Adam => OptimizerName.Adam,
        OptimizerKind.AdamW => OptimizerName.AdamW,
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer."),
    };
}
