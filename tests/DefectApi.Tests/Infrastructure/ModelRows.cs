using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Infrastructure;

/// <summary>Models written straight to the database, for tests that need many of them.</summary>
public static class ModelRows
{
    /// <summary>A new model row with a trained model's artifact under a new id and version: a model to cache, deploy or
    /// delete without training one each time.</summary>
    public static async Task<Guid> CopyAsync(IServiceProvider services, Guid source, int version)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == source);
        var copy = new Model
        {
            Id = Guid.CreateVersion7(), Name = model.Name, Version = 100 + version, Task = model.Task, Target = model.Target,
            DatasetId = model.DatasetId, JobId = model.JobId, CreatedAt = DateTime.UtcNow, HistoryJson = model.HistoryJson,
            Artifact = model.Artifact,
        };
        db.Models.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    }
}
