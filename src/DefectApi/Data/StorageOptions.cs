using System.ComponentModel.DataAnnotations;

namespace DefectApi.Data;

/// <summary>The SQLite database's size limit.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Largest the database file may grow, in bytes; null for no limit beyond the disk's.</summary>
    [Range(1L << 16, long.MaxValue)]
    public long? MaxDatabaseBytes { get; set; }
}
