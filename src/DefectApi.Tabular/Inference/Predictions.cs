namespace DefectApi.Tabular.Inference;

public sealed record Prediction(string? Label, double? Probability, bool? Defect, double? Value,
                                IReadOnlyDictionary<string, double>? Probabilities, IReadOnlyList<string>? Warnings);

public sealed record RecordError(int Record, string Column, string Message);

public sealed record PredictionBatch(IReadOnlyList<Prediction> Predictions, IReadOnlyList<RecordError> Errors);

/// <summary>An answer as the prediction log keeps it.</summary>
/// <param name="Score">binary: P(positive class); regression: the value; multiclass: the label's probability</param>
/// <param name="Label">the class answered, as an index into <see cref="ModelArtifact.Classes"/>; -1 for regression</param>
public readonly record struct LoggedScore(double Score, int Label);
