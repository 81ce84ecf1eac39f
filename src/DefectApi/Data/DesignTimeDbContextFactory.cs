using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DefectApi.Data;

/// <summary>Let <c>dotnet ef migrations add NAME --context SqliteDefectDbContext --output-dir Data/Migrations/Sqlite</c>
/// (and the same for <c>PostgresDefectDbContext</c> into <c>Data/Migrations/Postgres</c>) build the model without
/// starting the web host. Neither opens a connection.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDefectDbContext>
{
    public SqliteDefectDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDefectDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDefectDbContext>
{
    public PostgresDefectDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDefectDbContext>().UseNpgsql("Host=localhost;Database=defects").Options);
}
