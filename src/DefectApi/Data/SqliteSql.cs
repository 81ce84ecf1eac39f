using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DefectApi.Data;

/// <summary>The one place with SQLite-only SQL (PostgreSQL's is in <see cref="PostgresSql"/>).</summary>
public static class SqliteSql
{
    /// <summary>WAL lets readers (predictions) run while training writes; it is a property of the file, set once.</summary>
    public static Task UseWriteAheadLogAsync(DefectDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
}

/// <summary>Per-connection SQLite settings (SQLite keeps these per connection, not in the file):
/// <list type="bullet">
/// <item><c>synchronous=NORMAL</c>: in WAL mode a commit survives a crash of the process (the case the service must
/// handle) and the file is never corrupted; only a power cut may lose the last commits. It saves an fsync per
/// commit, which streaming uploads make many of.</item>
/// <item><c>busy_timeout</c>: a writer waits for another instead of failing at once.</item>
/// <item><c>max_page_count</c> from <c>Storage:MaxDatabaseBytes</c>: a runaway upload fills the quota, not the disk
/// the host needs; writes past it fail with SQLITE_FULL, answered 503 while reads go on.</item>
/// </list></summary>
public sealed class SqlitePragmas(long? maxDatabaseBytes) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
        command.ExecuteNonQuery();
        if (maxDatabaseBytes is not { } max) return;
        command.CommandText = "PRAGMA page_size;";
        var pageSize = Convert.ToInt64(command.ExecuteScalar());
        command.CommandText = $"PRAGMA max_page_count = {Math.Max(1, max / pageSize)};";
        command.ExecuteNonQuery();
    }
}
