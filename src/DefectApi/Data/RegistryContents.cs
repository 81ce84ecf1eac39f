using Microsoft.EntityFrameworkCore;

namespace DefectApi.Data;

/// <summary>What a registry holds, for the commands that must not write into one that is in use: "2 datasets,
/// 1 models", or null when it holds none of the things an operator made.</summary>
public static class RegistryContents
{
    public static async Task<string?> DescribeAsync(DefectDbContext db)
    {
        var counts = new (string Name, int Count)[]
        {
            ("datasets", await db.Datasets.CountAsync()), ("training jobs", await db.TrainingJobs.CountAsync()),
            ("models", await db.Models.CountAsync()), ("deployments", await db.Deployments.CountAsync()),
            // A service started on the database once has created its first admin key there.
            ("API keys", await db.ApiKeys.CountAsync()), ("audit entries", await db.AuditEntries.CountAsync()),
        };
        var held = counts.Where(c => c.Count > 0).Select(c => $"{c.Count} {c.Name}").ToList();
        return held.Count == 0 ? null : string.Join(", ", held);
    }
}
