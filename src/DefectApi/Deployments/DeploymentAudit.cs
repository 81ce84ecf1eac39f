using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Deployments;

/// <summary>What a PUT of a deployment changed, in the audit trail's terms: one entry per thing that changed (the model
/// it points at, its challenger, its key columns), so that each can be found by its action; one entry for a new
/// deployment, or for a PUT that changed nothing (it is still a deployment, in the history too).</summary>
internal static class DeploymentAudit
{
    public sealed record State(Guid ModelId, Guid? ShadowModelId, IReadOnlyList<string> KeyColumns);

    public static async Task RecordAsync(DefectDbContext db, ClaimsPrincipal caller, TimeProvider clock, string name, State? before,
        State after, CancellationToken ct)
    {
        var ids = new[] { before?.ModelId, before?.ShadowModelId, after.ModelId, after.ShadowModelId }.OfType<Guid>().Distinct().ToList();
        var models = await db.Models.AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => new { m.Id, m.Name, m.Version })
            .ToDictionaryAsync(m => m.Id, m => $"{m.Name} v{m.Version} ({m.Id})", ct);
        string Label(Guid id) => models.GetValueOrDefault(id) ?? $"model {id}";
        var target = AuditTrail.DeploymentTarget(name);
        void Add(string action, string detail) => db.Record(caller, clock, action, target, detail);

        if (before is null)
        {
            var shadow = after.ShadowModelId is { } s ? $", challenged by {Label(s)}" : "";
            var keys = after.KeyColumns.Count > 0 ? $", key columns {Columns(after.KeyColumns)}" : "";
            Add(AuditActions.DeploymentCreate, $"Created '{name}' pointing at {Label(after.ModelId)}{shadow}{keys}.");
            return;
        }
        var changed = false;
        if (before.ModelId != after.ModelId)
        {
            Add(AuditActions.DeploymentMove, $"Moved '{name}' from {Label(before.ModelId)} to {Label(after.ModelId)}.");
            changed = true;
        }
        if (before.ShadowModelId != after.ShadowModelId)
        {
            Add(AuditActions.DeploymentShadow, (before.ShadowModelId, after.ShadowModelId) switch
            {
                (null, { } added) => $"Set {Label(added)} as the challenger of '{name}'.",
                ({ } removed, null) => $"Removed the challenger {Label(removed)} from '{name}'.",
                var (old, replacement) => $"Replaced the challenger of '{name}', {Label(old!.Value)}, with {Label(replacement!.Value)}.",
            });
            changed = true;
        }
        if (!before.KeyColumns.SequenceEqual(after.KeyColumns, StringComparer.Ordinal))
        {
            Add(AuditActions.DeploymentKeyColumns, $"Changed the key columns of '{name}' from {Columns(before.KeyColumns)} to " +
                $"{Columns(after.KeyColumns)}.");
            changed = true;
        }
        if (!changed) Add(AuditActions.DeploymentMove, $"Pointed '{name}' at {Label(after.ModelId)} again; nothing changed.");
    }

    static string Columns(IReadOnlyList<string> columns) => columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"'{c}'"));
}
