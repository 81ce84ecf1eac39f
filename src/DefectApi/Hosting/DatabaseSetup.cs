using DefectApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Hosting;

public static class DatabaseSetup
{
    public static IServiceCollection AddDefectDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Resolved when first needed, so configuration added up to the host's build (tests, tools) is what counts.
        services.AddSingleton(sp =>
            DatabaseConnection.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider));
        services.AddSingleton(sp => new SqlitePragmas(sp.GetRequiredService<IOptions<StorageOptions>>().Value.MaxDatabaseBytes));
        services.AddSingleton<PostgresSizeLimit>();
        services.AddSingleton<PostgresSizeLimitInterceptor>();

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

    static void ConfigurePostgres(IServiceProvider services, DbContextOptionsBuilder options)
    {
        options.UseNpgsql(services.GetRequiredService<DatabaseConnection>().ConnectionString);
        options.AddInterceptors(services.GetRequiredService<PostgresSizeLimitInterceptor>());
    }

    /// <summary>Hands out contexts of the configured provider's type as the base type the code uses.</summary>
    sealed class DefectDbContextFactory(IServiceProvider services) : IDbContextFactory<DefectDbContext>
    {
        public DefectDbContext CreateDbContext() => IsPostgres(services)
            ? services.GetRequiredService<IDbContextFactory<PostgresDefectDbContext>>().CreateDbContext()
            : services.GetRequiredService<IDbContextFactory<SqliteDefectDbContext>>().CreateDbContext();
    }
}
