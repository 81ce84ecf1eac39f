using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DefectApi.Data;

/// <summary>The one place with PostgreSQL-only SQL (SQLite's is in <see cref="SqliteSql"/>).</summary>
public static class PostgresSql
{
    /// <summary>Any fixed 64-bit number names the lock; this one spells "DefectApi" closely enough to be recognised in
    /// <c>pg_locks</c>.</summary>
    const long MigrationLockKey = 0x0DEFEC7A91;

    /// <summary>Holds a session-level advisory lock on a connection of its own until disposed, so that replicas that
    /// start together apply migrations one after another: the first migrates, the others then find nothing to do.
    /// The process dying releases the lock with its session.</summary>
    public static async Task<IAsyncDisposable> AcquireMigrationLockAsync(string connectionString, CancellationToken ct)
    {
        // Unpooled: a pooled connection would keep the session, and so the lock, after it is closed.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        try
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", ct);
            return new SessionLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops the pooled connections, which a server restart has broken, so that the next commands open new ones
    /// instead of each failing once on a dead socket.</summary>
    public static void DropPooledConnections(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    /// <summary>The database's size on disk, as <c>Storage:MaxDatabaseBytes</c> counts it on PostgreSQL.</summary>
    public static async Task<long> DatabaseSizeAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Plain VACUUM of the dataset chunks (never inside a transaction): makes deleted chunks' space reusable,
    /// and gives the free pages at the table's end back to the operating system.</summary>
    public static Task VacuumChunksAsync(DefectDbContext db) => db.Database.ExecuteSqlRawAsync("VACUUM \"DatasetChunks\"");

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(ct);
    }

    sealed class SessionLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try { await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None); }
            finally { await connection.DisposeAsync(); }
        }
    }
}
