namespace DefectApi.Data;

public enum JobStatus { Queued, Running, Succeeded, Failed, Canceled }

public sealed class TrainingJob
{
    public Guid Id { get; set; }
    /// <summary>The dataset it trains on; null once a finished job's dataset is deleted (the database refuses to delete
    /// the dataset of a queued or running job).</summary>
    public Guid? DatasetId { get; set; }
    public JobStatus Status { get; set; }
    /// <summary>The effective request (defaults filled in) as JSON.</summary>
    public required string RequestJson { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>The latest epoch's progress as JSON.</summary>
    public string? ProgressJson { get; set; }
    public Guid? ModelId { get; set; }
    public string? Error { get; set; }
    public int Attempts { get; set; }
    /// <summary>Which worker holds the job and until when: a crashed worker's job is found by its lapsed lease.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public bool CancelRequested { get; set; }
    public bool KeepBestRequested { get; set; }
}
