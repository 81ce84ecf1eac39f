using System.ComponentModel.DataAnnotations;

namespace DefectApi.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Which database holds the service's state. The connection string is <c>ConnectionStrings:Defects</c> for
/// either provider.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>sqlite</c> (the embedded default: one process, one file) or <c>postgres</c> (any number of
    /// replicas sharing one database).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How often a replica asks the database which deployments and models changed, so that a move made on
    /// another replica takes effect here within this time (plus the query's own).</summary>
    [Range(50, 60_000)]
    public int ChangePollMilliseconds { get; set; } = 250;
}
