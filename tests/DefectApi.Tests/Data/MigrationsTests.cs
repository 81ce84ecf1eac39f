using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Data;

public sealed class MigrationsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    /// <summary>Neither context needs a server for this: the model is compared with the provider's last migration.</summary>
    static DefectDbContext Context(DatabaseProvider provider) => provider == DatabaseProvider.Postgres
        ? new PostgresDefectDbContext(new DbContextOptionsBuilder<PostgresDefectDbContext>().UseNpgsql("Host=localhost").Options)
        : new SqliteDefectDbContext(new DbContextOptionsBuilder<SqliteDefectDbContext>().UseSqlite("Data Source=:memory:").Options);

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryProviderHasAMigrationForTheCurrentModel(DatabaseProvider provider)
    {
        using var db = Context(provider);

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The entity model changed without a {provider} migration. Add one for each provider: " +
            "dotnet ef migrations add NAME --project src/DefectApi --context SqliteDefectDbContext --output-dir Data/Migrations/Sqlite, " +
            "and the same with PostgresDefectDbContext and Data/Migrations/Postgres.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EachProviderKeepsItsMigrationsApart(DatabaseProvider provider)
    {
        using var db = Context(provider);

        var migrations = db.Database.GetMigrations().ToList();

        Assert.NotEmpty(migrations);
        var folder = provider == DatabaseProvider.Postgres ? "Postgres" : "Sqlite";
        var types = typeof(DefectDbContext).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration)) && t.Namespace!.EndsWith(folder));
        Assert.Equal(migrations.Count, types.Count());
    }
}
