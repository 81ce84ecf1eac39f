using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DefectApi.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DefectDbContext>
{
    public DefectDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DefectDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
