namespace DefectApi.Tabular.Training;

/// <summary>What training does with columns that predict the target too well on their own (probable leaks): leave them
/// out, keep them with a warning, or not look.</summary>
public enum LeakagePolicy { Exclude, Warn, Off }
