using DefectApi.Datasets;
using DefectApi.Models;
using DefectApi.Training;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Data;

public sealed class DefectDbContext(DbContextOptions<DefectDbContext> options) : DbContext(options)
{
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetChunk> DatasetChunks => Set<DatasetChunk>();
    public DbSet<TrainingJob> TrainingJobs => Set<TrainingJob>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<Deployment> Deployments => Set<Deployment>();
    public DbSet<DeploymentHistoryEntry> DeploymentHistory => Set<DeploymentHistoryEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DefectDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is stored and read back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
