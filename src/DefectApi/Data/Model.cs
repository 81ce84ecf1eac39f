using DefectApi.Tabular.Targets;

namespace DefectApi.Data;

/// <summary>A trained model: the tabular layer's artifact (weights and fitted preprocessing) plus registry data.</summary>
public sealed class Model
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public int Version { get; set; }
    /// <summary>Stored as its wire name (see <see cref="ModelConfiguration"/>): never <see cref="TaskKind.Auto"/>.</summary>
    public required TaskKind Task { get; set; }
    public required string Target { get; set; }
    public Guid DatasetId { get; set; }
    public Guid JobId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string HistoryJson { get; set; } = "[]";
    public required byte[] Artifact { get; set; }
    /// <summary>Goes up with every change of the stored artifact (a new threshold): replicas compare it with the copy
    /// they cache.</summary>
    public int Revision { get; set; }
    /// <summary>Which validation gave the metrics, and the time-ordered figure beside random folds, as JSON; null for
    /// models trained before it was recorded.</summary>
    public string? ValidationJson { get; set; }
}

/// <summary>A stable name that MES systems call; points at one model at a time.</summary>
public sealed class Deployment
{
    public required string Name { get; set; }
    public Guid ModelId { get; set; }
    /// <summary>A challenger scored on every request off the request path, logged and never returned.</summary>
    public Guid? ShadowModelId { get; set; }
    /// <summary>Columns of the records that identify a part (a serial): their values are indexed as answers are logged,
    /// so outcomes can name the part instead of the prediction id.</summary>
    public List<string> KeyColumns { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Which model a deployment pointed at, from when: the audit trail behind a rollback.</summary>
public sealed class DeploymentHistoryEntry
{
    public long Id { get; set; }
    public required string DeploymentName { get; set; }
    public Guid ModelId { get; set; }
    public DateTime DeployedAt { get; set; }
}
