using DefectApi.Datasets;
using DefectApi.Training;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Data;

/// <summary>The service's one model of its data. Each provider has a context type of its own only so that each keeps
/// its own migrations (EF Core's way to migrate one model on several providers); the code uses this base type.</summary>
public abstract class DefectDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetChunk> DatasetChunks => Set<DatasetChunk>();
    public DbSet<TrainingJob> TrainingJobs => Set<TrainingJob>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<Deployment> Deployments => Set<Deployment>();
    public DbSet<DeploymentHistoryEntry> DeploymentHistory => Set<DeploymentHistoryEntry>();
    public DbSet<LoggedAnswer> LoggedAnswers => Set<LoggedAnswer>();
    public DbSet<LogSegment> LogSegments => Set<LogSegment>();
    public DbSet<LoggedOutcome> Outcomes => Set<LoggedOutcome>();
    public DbSet<MonitoringRollup> Rollups => Set<MonitoringRollup>();
    public DbSet<StoredApiKey> ApiKeys => Set<StoredApiKey>();
    public DbSet<ApiKeyUse> ApiKeyUses => Set<ApiKeyUse>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DefectDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is stored and read back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}

/// <summary>The embedded default: one SQLite file next to the app.</summary>
public sealed class SqliteDefectDbContext(DbContextOptions<SqliteDefectDbContext> options) : DefectDbContext(options);

/// <summary>One PostgreSQL database shared by any number of replicas.</summary>
public sealed class PostgresDefectDbContext(DbContextOptions<PostgresDefectDbContext> options) : DefectDbContext(options);
