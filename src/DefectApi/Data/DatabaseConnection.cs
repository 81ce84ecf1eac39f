using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DefectApi.Data;

/// <summary>The configured provider and its connection string (for SQLite, a relative file path made absolute next to
/// the app).</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString)
{
    public const string ConnectionStringName = "Defects";
    const string DefaultConnectionString = "Data Source=data/defects.db";

    /// <summary>A relative SQLite path means "next to the running app", wherever it was started from.</summary>
    public static string ResolveSqliteConnectionString(string? configured)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);
        var inMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:";
        if (!inMemory && !string.IsNullOrEmpty(builder.DataSource))
        {
            if (!Path.IsPathRooted(builder.DataSource))
                builder.DataSource = Path.Combine(AppContext.BaseDirectory, builder.DataSource);
            var folder = Path.GetDirectoryName(builder.DataSource);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        return builder.ToString();
    }

    public static DatabaseConnection Resolve(DatabaseProvider provider, string? configured) => provider switch
    {
        DatabaseProvider.Postgres when string.IsNullOrWhiteSpace(configured) => throw new OptionsValidationException(
            DatabaseOptions.SectionName, typeof(DatabaseOptions),
            ["Database:Provider is postgres, so ConnectionStrings:Defects must name the server, e.g. " +
             "\"Host=db;Database=defects;Username=defectapi;Password=…\"."]),
        DatabaseProvider.Postgres => new DatabaseConnection(provider, configured!),
        _ => new DatabaseConnection(provider, ResolveSqliteConnectionString(configured)),
    };
}

