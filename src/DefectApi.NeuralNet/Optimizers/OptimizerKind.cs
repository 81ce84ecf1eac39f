namespace DefectApi.NeuralNet.Optimizers;

public enum OptimizerKind { Sgd, Momentum, Nesterov, Adam, AdamW }

// CosLog4 is RealMLP's "coslog4" (Holzmüller et al., NeurIPS 2024): four cosine cycles whose lengths double, ending at 0.
public enum LearningRateSchedule { Constant, Step, Cosine, CosLog4 }
