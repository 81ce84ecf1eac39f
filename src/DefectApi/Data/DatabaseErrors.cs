using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DefectApi.Data;

/// <summary>What a database error means for the caller, whichever provider raised it. Each provider reports the same
/// kinds of failure with codes of its own: SQLite's result codes (sqlite.org/rescode.html) and PostgreSQL's SQLSTATE
/// (postgresql.org/docs/current/errcodes-appendix.html).</summary>
public static class DatabaseErrors
{
    /// <summary>Why the database cannot serve writes right now (full, read-only, unreachable, restarting), or null
    /// when the error is of another kind. The caller did nothing wrong and the service recovers on its own.</summary>
    public static string? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            switch (e)
            {
                case DatabaseFullException:
                    return "the database is full: it has reached Storage:MaxDatabaseBytes";
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode switch
                    {
                        13 => "the disk is full",
                        8 => "the database is read-only",
                        10 => "a disk I/O error",
                        14 => "the database file cannot be opened",
                        5 or 6 => "the database is busy",
                        _ => null,
                    };
                case PostgresException postgres:
                    return postgres.SqlState switch
                    {
                        ['0', '8', ..] => "the connection to the database failed",
                        "57P01" or "57P02" or "57P03" => "the database server is shutting down or starting",
                        ['5', '3', ..] => "the database server is out of resources (disk, memory or connections)",
                        "25006" => "the database is read-only",
                        _ => null,
                    };
                case NpgsqlException { IsTransient: true }:
                    return "the database server cannot be reached";
                case SocketException or TimeoutException:
                    return "the database server cannot be reached";
            }
        return null;
    }

    /// <summary>A row refers to one that does not exist (any more), or a delete would leave such a row.</summary>
    public static bool IsForeignKeyViolation(Exception exception) => Find(exception, sqliteExtended: 787, postgresState: "23503");

    public static bool IsCheckViolation(Exception exception) => Find(exception, sqliteExtended: 275, postgresState: "23514");

    /// <summary>A unique key (or primary key) already holds the value.</summary>
    public static bool IsUniqueViolation(Exception exception) =>
        Find(exception, sqliteExtended: 2067, postgresState: "23505") || Find(exception, sqliteExtended: 1555, postgresState: "23505");

    static bool Find(Exception exception, int sqliteExtended, string postgresState)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteExtendedErrorCode == sqliteExtended:
                case PostgresException postgres when postgres.SqlState == postgresState:
                    return true;
            }
        return false;
    }
}
