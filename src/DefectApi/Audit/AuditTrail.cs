using System.Security.Claims;
using DefectApi.Data;

namespace DefectApi.Audit;

public static class AuditActions
{
    public const string DatasetUpload = "dataset.upload";
    public const string DatasetFromLog = "dataset.from-log";
    public const string DatasetDelete = "dataset.delete";
    public const string JobCreate = "job.create";
    public const string JobCancel = "job.cancel";
    public const string JobStop = "job.stop";
    public const string ModelThreshold = "model.threshold";
    public const string ModelDelete = "model.delete";
    public const string ModelImport = "model.import";
    public const string DeploymentCreate = "deployment.create";
    public const string DeploymentMove = "deployment.move";
    public const string DeploymentShadow = "deployment.shadow";
    public const string DeploymentKeyColumns = "deployment.key-columns";
    public const string DeploymentDelete = "deployment.delete";
    public const string KeyCreate = "key.create";
    public const string KeyRevoke = "key.revoke";
}

public static class AuditTrail
{
    /// <summary>The name recorded for what the service does by itself (the admin key of a first start).</summary>
    public const string ServiceName = "system";

    /// <summary>An entry for a change made by <paramref name="caller"/> now.</summary>
    public static AuditEntry Entry(ClaimsPrincipal caller, TimeProvider clock, string action, string target, string detail) =>
        Entry(caller.Identity?.Name ?? ServiceName, clock, action, target, detail);

    public static AuditEntry Entry(string keyName, TimeProvider clock, string action, string target, string detail) => new()
    {
        At = clock.GetUtcNow().UtcDateTime, KeyName = keyName, Action = action, Target = target,
        Detail = detail.Length <= AuditEntry.MaxDetailLength ? detail : detail[..(AuditEntry.MaxDetailLength - 1)] + "…",
    };

    /// <summary>Adds the entry to the context, so that it is written by the same SaveChanges (and transaction) as the
    /// change it records: a change is never stored without its entry, nor an entry without its change.</summary>
    public static void Record(this DefectDbContext db, ClaimsPrincipal caller, TimeProvider clock, string action, string target,
        string detail) =>
        db.AuditEntries.Add(Entry(caller, clock, action, target, detail));

    public static string DatasetTarget(Guid id) => $"datasets/{id}";
    public static string JobTarget(Guid id) => $"training-jobs/{id}";
    public static string ModelTarget(Guid id) => $"models/{id}";
    public static string DeploymentTarget(string name) => $"deployments/{name}";
    public static string KeyTarget(string name) => $"keys/{name}";
}
