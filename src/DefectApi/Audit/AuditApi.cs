using System.ComponentModel.DataAnnotations;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Audit;

/// <param name="At">when the change was made (UTC)</param>
/// <param name="KeyName">the API key that made it ("open" while the service ran without keys, "system" for the
/// service itself)</param>
/// <param name="Action">what kind of change, e.g. deployment.move, model.threshold, key.revoke</param>
/// <param name="Target">what changed, as its route without /api: deployments/line3, models/{id}, keys/{name}</param>
/// <param name="Detail">the change in words: from what to what</param>
public sealed record AuditItem(DateTime At, string KeyName, string Action, string Target, string Detail);

public sealed record AuditList(IReadOnlyList<AuditItem> Items, long Total, int Offset, int Limit, string? Next);

public static class AuditApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/audit").WithTags("Keys and audit");
        group.MapGet("/", ListAsync).WithName("ListAudit").WithSummary("Who changed what, and when: newest first, page by page")
            .WithDescription("Every change made through the API (deployments, thresholds, deletions, imports, uploads, jobs and their " +
                "cancels, keys) with the name of the key that made it, in [from, to) (default: all), optionally for one target " +
                "(e.g. deployments/line3); offset (0 or more) and limit (1 to 1000), with the total and the next page's link. " +
                "The trail is append-only.")
            .WithValidationTitle("Invalid audit query")
            .RequireAuthorization(Policies.Admin);
        return group;
    }

    static async Task<Results<Ok<AuditList>, ValidationProblem>> ListAsync(DefectDbContext db, CancellationToken ct,
        DateTime? from = null, DateTime? to = null, string? target = null,
        [Range(0, int.MaxValue, ErrorMessage = "offset must be 0 or more.")] int offset = 0,
        [Range(1, MaxLimit, ErrorMessage = "limit must be between 1 and 1000.")] int limit = 100)
    {
        var since = from?.ToUniversalTime();
        var until = to?.ToUniversalTime();
        if (since >= until)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from must be before to."] },
                title: "Invalid audit query");
        // Unbounded where left out: an entry written a moment ago is listed whatever the clocks of the replicas say.
        var entries = db.AuditEntries.AsNoTracking();
        if (since is { } first) entries = entries.Where(a => a.At >= first);
        if (until is { } end) entries = entries.Where(a => a.At < end);
        if (!string.IsNullOrEmpty(target)) entries = entries.Where(a => a.Target == target);
        var total = await entries.LongCountAsync(ct);
        var page = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(offset).Take(limit).ToItems()
            .ToListAsync(ct);
        var next = offset + page.Count < total ? NextLink(from, to, target, offset + page.Count, limit) : null;
        return TypedResults.Ok(new AuditList(page, total, offset, limit, next));
    }

    /// <summary>The newest entries for one target, for the page of what they changed (a deployment's history).</summary>
    public static Task<List<AuditItem>> LatestForAsync(DefectDbContext db, string target, int count, CancellationToken ct) =>
        db.AuditEntries.AsNoTracking().Where(a => a.Target == target).OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Take(count).ToItems().ToListAsync(ct);

    static IQueryable<AuditItem> ToItems(this IQueryable<AuditEntry> entries) =>
        entries.Select(a => new AuditItem(a.At, a.KeyName, a.Action, a.Target, a.Detail));

    static string NextLink(DateTime? from, DateTime? to, string? target, int offset, int limit)
    {
        var query = new List<string>();
        if (from is { } f) query.Add($"from={Uri.EscapeDataString(f.ToUniversalTime().ToString("O"))}");
        if (to is { } t) query.Add($"to={Uri.EscapeDataString(t.ToUniversalTime().ToString("O"))}");
        if (!string.IsNullOrEmpty(target)) query.Add($"target={Uri.EscapeDataString(target)}");
        query.Add($"offset={offset}");
        query.Add($"limit={limit}");
        return "/api/audit?" + string.Join('&', query);
    }
}
