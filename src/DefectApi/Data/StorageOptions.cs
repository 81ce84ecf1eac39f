using System.ComponentModel.DataAnnotations;

namespace DefectApi.Data;

/// <summary>The database's size limit, on either provider: SQLite's file (its <c>max_page_count</c>, see
/// <see cref="SqlitePragmas"/>), PostgreSQL's <c>pg_database_size</c> (see <see cref="PostgresSizeLimit"/>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Largest the database may grow, in bytes; null for no limit beyond the disk's. Writes that would pass it
    /// answer 503 while reads go on.</summary>
    [Range(1L << 16, long.MaxValue)]
    public long? MaxDatabaseBytes { get; set; }
}
