using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Security;

/// <summary>Keys created and revoked while the service runs, beside the configured ones: <c>POST</c> shows a new key
/// once, <c>GET</c> lists every key without its secret, <c>DELETE</c> revokes a stored key on every replica.</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/keys").WithTags("Keys and audit").RequireAuthorization(Policies.Admin);
        group.MapPost("/", CreateAsync).WithName("CreateKey").WithSummary("Create an API key (shown this once)")
            .WithDescription("Answers the new key once; only its SHA-256 is stored. The key works at once on this replica and within a " +
                "second on the others. 409 when a configured or stored key has the name.")
            .WithValidationTitle("Invalid key")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithBodyLimit(RequestBodyLimits.SmallJson);
        group.MapGet("/", ListAsync).WithName("ListKeys").WithSummary("List the API keys: names, scopes, creation and last use")
            .WithDescription("Configured keys (Auth:ApiKeys) and stored ones, by name; never a key or its hash.");
        group.MapDelete("/{name}", RevokeAsync).WithName("RevokeKey").WithSummary("Revoke a stored API key")
            .WithDescription("Every replica refuses the key within a second. A configured key is revoked in the configuration " +
                "(409 here); the last admin key cannot be revoked (409): create another first.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    static async Task<Results<Created<CreatedKey>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        KeyRequest request, ClaimsPrincipal caller, DefectDbContext db, KeyRing keys, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["A name is required, e.g. \"mes-line3\": it names the key's calls in " +
            "the audit trail."];
        else if (!KeyNames.IsValid(name)) errors["name"] = [KeyNames.Rule];
        else if (KeyNames.IsReserved(name)) errors["name"] = [$"'{name}' is a name the audit trail uses itself " +
            $"({string.Join(", ", KeyNames.Reserved)}); choose another."];
        var scopes = (request.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0) errors["scopes"] = [$"Give the key at least one scope: {string.Join(", ", Scopes.All)}."];
        else if (scopes.Where(s => !Scopes.All.Contains(s)).ToList() is { Count: > 0 } unknown)
            errors["scopes"] = [$"{string.Join(", ", unknown.Select(s => $"'{s}'"))} is not a scope; scopes are " +
                $"{string.Join(", ", Scopes.All)}."];
        else if (!scopes.Contains(Scopes.Admin) && !keys.Keys.Any(k => k.Scopes.Contains(Scopes.Admin)))
            errors["scopes"] = ["No key has the admin scope yet: the first key needs it (add \"admin\"), or no one could manage " +
                "keys once it exists."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid key");

        if (keys.Named(name!) is { } existing) return NameTaken(name!, existing.Source);
        var audit = AuditTrail.Entry(caller, clock, AuditActions.KeyCreate, AuditTrail.KeyTarget(name!),
            $"Created the key '{name}' with scope(s) {string.Join(", ", scopes)}.");
        if (await KeyStore.CreateAsync(db, name!, scopes, audit, clock, ct) is not { } created) return NameTaken(name!, KeySource.Database);
        keys.Added(created.Stored);
        return TypedResults.Created((string?)null, new CreatedKey(name!, scopes, created.Secret));
    }

    static async Task<Ok<KeyList>> ListAsync(DefectDbContext db, KeyRing keys, CancellationToken ct)
    {
        var uses = await db.ApiKeyUses.AsNoTracking().ToDictionaryAsync(u => u.Name, u => u.LastUsedAt, ct);
        var items = keys.Keys.Select(k =>
        {
            // This replica's own stamp may be newer than the last one written; a use from before the key's creation
            // belongs to an earlier key of the same name.
            DateTime? used = uses.TryGetValue(k.Name, out var stored) && (k.CreatedAt is null || stored >= k.CreatedAt) ? stored : null;
            if (k.LastUsed is { } here && (used is null || here > used)) used = here;
            return new KeySummary(k.Name, k.Scopes, k.CreatedAt, used, k.Source);
        }).ToList();
        return TypedResults.Ok(new KeyList(items));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string name, ClaimsPrincipal caller, DefectDbContext db,
        KeyRing keys, TimeProvider clock, CancellationToken ct)
    {
        var key = keys.Named(name);
        if (key is null) return NotFoundProblems.Key(name);
        if (key.Source == KeySource.Configuration)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Configured key",
                detail: $"The key '{name}' comes from the configuration (Auth:ApiKeys). Remove it from every replica's " +
                    "configuration and restart them to revoke it; only keys created with POST /api/keys are revoked here.");
        if (key.Scopes.Contains(Scopes.Admin) && !keys.Keys.Any(k => k.Name != name && k.Scopes.Contains(Scopes.Admin)))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last admin key",
                detail: $"'{name}' is the only admin key: without it no one could manage keys. Create another admin key first " +
                    "(POST /api/keys with \"scopes\": [\"admin\"]), then revoke this one.");
        var revoked = await KeyStore.RevokeAsync(db, name, caller, clock, ct);
        // Not found: revoked meanwhile through another replica, whose change this one has not read yet.
        keys.Revoked(name);
        return revoked ? TypedResults.NoContent() : NotFoundProblems.Key(name);
    }

    static ProblemHttpResult NameTaken(string name, KeySource source) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Key name taken", detail: source == KeySource.Configuration
            ? $"A key named '{name}' is configured (Auth:ApiKeys). Choose another name."
            : $"A key named '{name}' exists. Choose another name, or revoke that key first (DELETE /api/keys/{name}).");

}
