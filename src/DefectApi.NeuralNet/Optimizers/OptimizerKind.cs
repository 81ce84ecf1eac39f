namespace DefectApi.NeuralNet.Optimizers;

public enum OptimizerKind { Sgd, Momentum, Nesterov, Adam, AdamW }

public enum LearningRateSchedule { Constant, Step, Cosine }
