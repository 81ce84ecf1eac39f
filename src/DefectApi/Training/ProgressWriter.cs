using System.Text.Json;
using DefectApi.Data;
using DefectApi.Tabular.Training;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Training;

/// <summary>Publishes every epoch to this replica's event streams at once, and writes it to the job row at most a few
/// times a second: small datasets run hundreds of epochs a second and the database need not see each one, while
/// streams followed on other replicas read the row.</summary>
internal sealed class ProgressWriter(IServiceScopeFactory scopes, JobEvents events, TrainingMetrics metrics, Guid jobId, TimeProvider clock)
{
    static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(250);
    DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
    ProgressResponse? _pending;
    TimeSpan _previousElapsed;

    public void Report(TrainingProgress progress)
    {
        metrics.RecordEpoch(progress.Elapsed - _previousElapsed);
        _previousElapsed = progress.Elapsed;
        var response = progress.ToResponse();
        events.Publish(jobId, new JobProgressEvent(response));
        _pending = response;
        if (clock.GetUtcNow() - _lastWrite >= WriteInterval) Flush();
    }

    public void Flush()
    {
        if (_pending is null) return;
        var json = JsonSerializer.Serialize(_pending, TrainingJobMapping.StorageJson);
        _lastWrite = clock.GetUtcNow();
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            db.TrainingJobs.Where(j => j.Id == jobId).ExecuteUpdate(s => s.SetProperty(j => j.ProgressJson, json));
            _pending = null;
        }
        catch (Exception e) when (Data.DatabaseErrors.Unavailable(e) is not null)
        {
            // Progress is a report, not the result: training goes on while the database is away, and the next epoch
            // writes again.
        }
    }
}
