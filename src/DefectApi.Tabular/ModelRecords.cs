namespace DefectApi.Tabular;

/// <param name="Type">numeric | categorical | boolean | datetime</param>
public sealed record ModelInputInfo(string Name, string Type, IReadOnlyList<string>? Categories);

/// <param name="Reason">target | excluded | identifier | constant | not in features</param>
public sealed record DroppedColumn(string Name, string Reason);

public sealed record Prediction(string? Label, double? Probability, bool? Defect, double? Value,
                                IReadOnlyDictionary<string, double>? Probabilities, IReadOnlyList<string>? Warnings);

public sealed record RecordError(int Record, string Column, string Message);

public sealed record PredictionBatch(IReadOnlyList<Prediction> Predictions, IReadOnlyList<RecordError> Errors);

/// <summary>An answer as the prediction log keeps it.</summary>
/// <param name="Score">binary: P(positive class); regression: the value; multiclass: the label's probability</param>
/// <param name="Label">the class answered, as an index into <see cref="ModelArtifact.Classes"/>; -1 for regression</param>
public readonly record struct LoggedScore(double Score, int Label);
