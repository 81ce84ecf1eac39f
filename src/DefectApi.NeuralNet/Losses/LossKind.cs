namespace DefectApi.NeuralNet.Losses;

public enum LossKind { MeanSquaredError, BinaryCrossEntropy /* on logits, stable form */, SoftmaxCrossEntropy /* on logits */ }
