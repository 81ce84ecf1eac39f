using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using DefectApi.Audit;
using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Security;

/// <summary>The keys kept in the database: made here from 32 random bytes, stored as their SHA-256 only, each creation
/// and revocation written with its audit entry in one transaction.</summary>
public static class KeyStore
{
    /// <summary>A prefix that says what the string is: found in a paste, a log or a repository, it is recognisably a
    /// DefectApi key (secret scanners match on such prefixes).</summary>
    public const string Prefix = "dak_";

    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static Task<List<StoredApiKey>> LoadAsync(DefectDbContext db, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking().ToListAsync(ct);

    /// <summary>Stores a new key with its audit entry and answers the key itself, which is never stored, or null when
    /// the name is taken (by another replica, say, between the caller's check and this write).</summary>
    public static async Task<(StoredApiKey Stored, string Secret)?> CreateAsync(DefectDbContext db, string name,
        IReadOnlyList<string> scopes, AuditEntry audit, TimeProvider clock, CancellationToken ct)
    {
        var secret = NewSecret();
        var key = new StoredApiKey
        {
            Name = name, Hash = KeyHash.HexOf(secret), Scopes = scopes.ToList(),
            CreatedAt = clock.GetUtcNow().UtcDateTime
        };
        db.ApiKeys.Add(key);
        db.AuditEntries.Add(audit);
        try
        {
            await db.SaveChangesAsync(ct);
            return (key, secret);
        }
        catch (Exception e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return null;
        }
    }

    /// <summary>Deletes a stored key, its last use and writes the audit entry, in one transaction; false when there was
    /// no such key (revoked meanwhile through another replica).</summary>
    public static async Task<bool> RevokeAsync(DefectDbContext db, string name, ClaimsPrincipal caller, TimeProvider clock,
        CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.ApiKeys.Where(k => k.Name == name).ExecuteDeleteAsync(ct);
        if (deleted == 0) return false;
        await db.ApiKeyUses.Where(u => u.Name == name).ExecuteDeleteAsync(ct);
        db.Record(caller, clock, AuditActions.KeyRevoke, AuditTrail.KeyTarget(name),
            $"Revoked the key '{name}'; every replica refuses it within a second.");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
