using DefectApi.Data;

namespace DefectApi.Datasets;

/// <summary>What may still need a dataset's rows (a queued or running training job): asked before a delete. Datasets
/// own the question and the feature above them answers it, so datasets never import training.</summary>
public interface IDatasetUsers
{
    /// <summary>Asked inside the delete's transaction, on its context.</summary>
    Task<bool> AnyAsync(DefectDbContext db, Guid datasetId, CancellationToken ct);
}
