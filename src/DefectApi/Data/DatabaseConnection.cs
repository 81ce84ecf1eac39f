using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DefectApi.Data;

/// <summary>The folder that holds the SQLite database when its path is relative: <c>DEFECTAPI_DATA</c> when set (itself
/// relative to the content root if it is not absolute), else <c>data/</c> in the content root. Never the build output:
/// rebuilding, switching Debug and Release, or replacing a publish folder keeps the registry.</summary>
public sealed record DataFolder(string Path)
{
    public const string Variable = "DEFECTAPI_DATA";

    public static DataFolder Resolve(string contentRoot, string? configured) =>
        new(System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, contentRoot));

    public static DataFolder From(IConfiguration configuration, IHostEnvironment environment) =>
        Resolve(environment.ContentRootPath, configuration[Variable]);
}

/// <summary>The configured provider and its connection string (for SQLite, a relative file path made absolute in the
/// data folder). <paramref name="EarlierSqliteFile"/> is where a version before the data folder kept this same
/// relative path (beside the app, so in the build output under <c>dotnet run</c>), when a file is there.</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString, string? EarlierSqliteFile = null)
{
    public const string ConnectionStringName = "Defects";
    const string DefaultConnectionString = "Data Source=defects.db";

    /// <summary>The SQLite database file, or null for PostgreSQL and for an in-memory database.</summary>
    public string? SqliteFile =>
        Provider == DatabaseProvider.Sqlite && FileOf(new SqliteConnectionStringBuilder(ConnectionString)) is { } file
        ? file : null;

    /// <summary>A relative SQLite path names a file in the data folder, wherever the process was started from.</summary>
    public static string ResolveSqliteConnectionString(string? configured, DataFolder data)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);
        if (FileOf(builder) is not null)
        {
            if (!Path.IsPathRooted(builder.DataSource)) builder.DataSource = Path.Combine(data.Path, builder.DataSource);
            var folder = Path.GetDirectoryName(builder.DataSource);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        return builder.ToString();
    }

    public static DatabaseConnection Resolve(DatabaseProvider provider, string? configured, DataFolder data,
        string? appFolder = null) => provider switch
        {
            DatabaseProvider.Postgres when string.IsNullOrWhiteSpace(configured) => throw new OptionsValidationException(
                DatabaseOptions.SectionName, typeof(DatabaseOptions),
                ["Database:Provider is postgres, so ConnectionStrings:Defects must name the server, e.g. " +
             "\"Host=db;Database=defects;Username=defectapi;Password=…\"."]),
            DatabaseProvider.Postgres => new DatabaseConnection(provider, configured!),
            _ => ResolveSqlite(configured, data, appFolder ?? AppContext.BaseDirectory),
        };

    public static DatabaseConnection From(IConfiguration configuration, IHostEnvironment environment, DatabaseProvider provider) =>
        Resolve(provider, configuration.GetConnectionString(ConnectionStringName), DataFolder.From(configuration, environment));

    static DatabaseConnection ResolveSqlite(string? configured, DataFolder data, string appFolder)
    {
        var connectionString = ResolveSqliteConnectionString(configured, data);
        var file = FileOf(new SqliteConnectionStringBuilder(connectionString));
        var relative = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString
            : configured).DataSource;
        if (file is null || Path.IsPathRooted(relative)) return new DatabaseConnection(DatabaseProvider.Sqlite, connectionString);
        // Earlier versions resolved the path beside the app, and their default was data/defects.db there.
        var earlier = new[] { Path.Combine(appFolder, relative), Path.Combine(appFolder, "data", relative) }
            .Select(Path.GetFullPath)
            .FirstOrDefault(candidate => candidate != Path.GetFullPath(file) && new FileInfo(candidate) is { Exists: true, Length: > 0 });
        return new DatabaseConnection(DatabaseProvider.Sqlite, connectionString, earlier);
    }

    /// <summary>The file a SQLite connection string names; null for in-memory databases and SQLite URIs, which are
    /// taken as given.</summary>
    static string? FileOf(SqliteConnectionStringBuilder builder) =>
        builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:" || string.IsNullOrEmpty(builder.DataSource)
        || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null : builder.DataSource;
}
