namespace DefectApi.Tabular.Training;

/// <param name="Reason">target | excluded | identifier | constant | not in features | leak</param>
/// <param name="Score">a leak's own figure: the precision of its one-sided rule, or its AUC / R² alone; else null</param>
/// <param name="Detail">a leak's reason in a sentence; else null</param>
public sealed record DroppedColumn(string Name, string Reason, double? Score = null, string? Detail = null);

/// <summary>An input column that predicts the target too well on its own to be known before the outcome.</summary>
/// <param name="Score">the precision of its one-sided rule, or its out-of-fold AUC / R² alone</param>
/// <param name="Excluded">left out of the model (leakage "exclude"), or kept with this warning ("warn")</param>
public sealed record LeakFinding(string Name, double Score, string Detail, bool Excluded);
