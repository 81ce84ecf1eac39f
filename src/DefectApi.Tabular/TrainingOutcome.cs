using DefectApi.Tabular.Training;

namespace DefectApi.Tabular;

public sealed record TrainingOutcome(ModelArtifact Artifact, IReadOnlyList<EpochHistory> History)
{
    /// <summary>Which validation gave the model's metrics (null only where an outcome is built by hand).</summary>
    public ValidationReport? Validation { get; init; }
}
