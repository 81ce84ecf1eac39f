namespace DefectApi.Tabular.Training;

public sealed record TrainingProgress(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss,
                                      double? ValidationMetric, TimeSpan Elapsed);

public sealed record EpochHistory(int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationMetric);

public sealed record TrainingOutcome(ModelArtifact Artifact, IReadOnlyList<EpochHistory> History);
