using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DefectApi.Data;

/// <summary>Caps the SQLite file at <c>Storage:MaxDatabaseBytes</c> (PRAGMA max_page_count, set on every connection
/// since SQLite does not persist it), so a runaway upload fills the quota, not the disk the host needs. Writes past it
/// fail with SQLITE_FULL, which the service answers 503 while reads go on.</summary>
public sealed class DatabaseSizeLimit(long maxBytes) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size;";
        var pageSize = Convert.ToInt64(command.ExecuteScalar());
        command.CommandText = $"PRAGMA max_page_count = {Math.Max(1, maxBytes / pageSize)};";
        command.ExecuteNonQuery();
    }
}
