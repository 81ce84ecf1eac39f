namespace DefectApi.Tabular.Training;

/// <summary>A training problem caused by the data or request (one-valued target, unknown target column, all rows
/// missing…): the message says what to change.</summary>
public sealed class TrainingDataException(string message) : Exception(message);
