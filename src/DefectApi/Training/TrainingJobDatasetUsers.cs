using DefectApi.Data;
using DefectApi.Datasets;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Training;

/// <summary>A queued or running job still reads its dataset's rows.</summary>
internal sealed class TrainingJobDatasetUsers : IDatasetUsers
{
    public Task<bool> AnyAsync(DefectDbContext db, Guid datasetId, CancellationToken ct) =>
        db.TrainingJobs.AnyAsync(j => j.DatasetId == datasetId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running), ct);
}
