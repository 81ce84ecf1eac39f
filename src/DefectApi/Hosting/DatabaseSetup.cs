using DefectApi.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Hosting;

public static class DatabaseSetup
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

    public static DatabaseConnection ResolveConnection(DatabaseProvider provider, string? configured) => provider switch
    {
        DatabaseProvider.Postgres when string.IsNullOrWhiteSpace(configured) => throw new OptionsValidationException(
            DatabaseOptions.SectionName, typeof(DatabaseOptions),
            ["Database:Provider is postgres, so ConnectionStrings:Defects must name the server, e.g. " +
             "\"Host=db;Database=defects;Username=defectapi;Password=…\"."]),
        DatabaseProvider.Postgres => new DatabaseConnection(provider, configured!),
        _ => new DatabaseConnection(provider, ResolveSqliteConnectionString(configured)),
    };

    public static IServiceCollection AddDefectDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Resolved when first needed, so configuration added up to the host's build (tests, tools) is what counts.
        services.AddSingleton(sp => ResolveConnection(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider,
            sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)));
        services.AddSingleton(sp => new SqlitePragmas(sp.GetRequiredService<IOptions<StorageOptions>>().Value.MaxDatabaseBytes));

        // Both context types are registered; the configured provider picks which one stands behind DefectDbContext.
        services.AddDbContext<SqliteDefectDbContext>((sp, options) => ConfigureSqlite(sp, options));
        services.AddDbContextFactory<SqliteDefectDbContext>((sp, options) => ConfigureSqlite(sp, options), ServiceLifetime.Scoped);
        services.AddDbContext<PostgresDefectDbContext>((sp, options) => ConfigurePostgres(sp, options));
        services.AddDbContextFactory<PostgresDefectDbContext>((sp, options) => ConfigurePostgres(sp, options), ServiceLifetime.Scoped);
        services.AddScoped<DefectDbContext>(sp => IsPostgres(sp)
            ? sp.GetRequiredService<PostgresDefectDbContext>() : sp.GetRequiredService<SqliteDefectDbContext>());
        services.AddScoped<IDbContextFactory<DefectDbContext>, DefectDbContextFactory>();
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }

    static bool IsPostgres(IServiceProvider services) =>
        services.GetRequiredService<DatabaseConnection>().Provider == DatabaseProvider.Postgres;

    static void ConfigureSqlite(IServiceProvider services, DbContextOptionsBuilder options)
    {
        options.UseSqlite(services.GetRequiredService<DatabaseConnection>().ConnectionString);
        options.AddInterceptors(services.GetRequiredService<SqlitePragmas>());
    }

    static void ConfigurePostgres(IServiceProvider services, DbContextOptionsBuilder options) =>
        options.UseNpgsql(services.GetRequiredService<DatabaseConnection>().ConnectionString);

    /// <summary>Hands out contexts of the configured provider's type as the base type the code uses.</summary>
    sealed class DefectDbContextFactory(IServiceProvider services) : IDbContextFactory<DefectDbContext>
    {
        public DefectDbContext CreateDbContext() => IsPostgres(services)
            ? services.GetRequiredService<IDbContextFactory<PostgresDefectDbContext>>().CreateDbContext()
            : services.GetRequiredService<IDbContextFactory<SqliteDefectDbContext>>().CreateDbContext();
    }
}

/// <summary>The configured provider and its connection string (for SQLite, a relative file path made absolute next to
/// the app).</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString);
