using DefectApi.Datasets;
using DefectApi.Tabular.Targets;
using DefectApi.Training;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DefectApi.Data;

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> builder)
    {
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Sha256).HasMaxLength(64);
        builder.HasIndex(d => d.Sha256);
        builder.HasIndex(d => d.CreatedAt);
        builder.HasMany<DatasetChunk>().WithOne().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DatasetChunkConfiguration : IEntityTypeConfiguration<DatasetChunk>
{
    public void Configure(EntityTypeBuilder<DatasetChunk> builder) => builder.HasKey(c => new { c.DatasetId, c.Index });
}

internal sealed class TrainingJobConfiguration : IEntityTypeConfiguration<TrainingJob>
{
    public void Configure(EntityTypeBuilder<TrainingJob> builder)
    {
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(j => new { j.Status, j.CreatedAt });
        builder.HasIndex(j => j.DatasetId);
        // Deleting a dataset forgets it in finished jobs; for a queued or running job the check below makes the
        // database refuse the delete, whichever replica's request came first.
        builder.HasOne<Dataset>().WithMany().HasForeignKey(j => j.DatasetId).OnDelete(DeleteBehavior.SetNull);
        builder.ToTable(t => t.HasCheckConstraint("CK_TrainingJobs_ActiveJobHasDataset",
            "\"Status\" NOT IN ('Queued', 'Running') OR \"DatasetId\" IS NOT NULL"));
    }
}

internal sealed class ModelConfiguration : IEntityTypeConfiguration<Model>
{
    public void Configure(EntityTypeBuilder<Model> builder)
    {
        builder.Property(m => m.Name).HasMaxLength(200);
        // The column holds the task's wire name, as it did when the property was a string.
        builder.Property(m => m.Task).HasMaxLength(16).HasConversion(task => task.WireName(), name => TaskKinds.ReadConcrete(name));
        builder.HasIndex(m => new { m.Name, m.Version }).IsUnique();
    }
}

internal sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> builder)
    {
        builder.HasKey(d => d.Name);
        builder.Property(d => d.Name).HasMaxLength(100);
        builder.HasIndex(d => d.ModelId);
        // A deployment always points at a stored model: deleting a deployed model fails in the database.
        builder.HasOne<Model>().WithMany().HasForeignKey(d => d.ModelId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Model>().WithMany().HasForeignKey(d => d.ShadowModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeploymentHistoryConfiguration : IEntityTypeConfiguration<DeploymentHistoryEntry>
{
    public void Configure(EntityTypeBuilder<DeploymentHistoryEntry> builder)
    {
        builder.Property(h => h.DeploymentName).HasMaxLength(100);
        builder.HasIndex(h => new { h.DeploymentName, h.DeployedAt });
    }
}

internal sealed class LoggedAnswerConfiguration : IEntityTypeConfiguration<LoggedAnswer>
{
    public void Configure(EntityTypeBuilder<LoggedAnswer> builder)
    {
        builder.ToTable("LoggedAnswers");
        // The time-ordered id is the key and the only index besides the keys': ranges, retention and outcomes by id
        // all read it. SQLite keeps the table WITHOUT ROWID (see the migration), so the row lives in that one index.
        builder.HasKey(a => a.PredictionId);
        builder.Property(a => a.PredictionId).HasMaxLength(16);
        builder.Property(a => a.Label).HasMaxLength(200);
        builder.Property(a => a.ShadowLabel).HasMaxLength(200);
        builder.HasIndex(a => a.Key1).HasFilter("\"Key1\" IS NOT NULL");
        builder.HasIndex(a => a.Key2).HasFilter("\"Key2\" IS NOT NULL");
        builder.HasIndex(a => a.Key3).HasFilter("\"Key3\" IS NOT NULL");
    }
}

internal sealed class LogSegmentConfiguration : IEntityTypeConfiguration<LogSegment>
{
    public void Configure(EntityTypeBuilder<LogSegment> builder)
    {
        builder.ToTable("LogSegments");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.DeploymentName).HasMaxLength(100);
        builder.HasIndex(s => s.DeploymentName);
    }
}

internal sealed class LoggedOutcomeConfiguration : IEntityTypeConfiguration<LoggedOutcome>
{
    public void Configure(EntityTypeBuilder<LoggedOutcome> builder)
    {
        builder.ToTable("LoggedOutcomes");
        builder.Property(o => o.DeploymentName).HasMaxLength(100);
        builder.Property(o => o.PredictionId).HasMaxLength(16);
        builder.Property(o => o.KeyColumn).HasMaxLength(200);
        builder.Property(o => o.Actual).HasMaxLength(200);
        // One outcome per prediction; pending ones are found by key or swept by age.
        builder.HasIndex(o => o.PredictionId).IsUnique().HasFilter("\"PredictionId\" IS NOT NULL");
        builder.HasIndex(o => o.KeyHash).HasFilter("\"KeyHash\" IS NOT NULL AND \"PredictionId\" IS NULL");
        builder.HasIndex(o => o.RecordedAt).HasFilter("NOT \"Joined\"");
    }
}

internal sealed class MonitoringRollupConfiguration : IEntityTypeConfiguration<MonitoringRollup>
{
    public void Configure(EntityTypeBuilder<MonitoringRollup> builder)
    {
        builder.ToTable("MonitoringRollups");
        builder.HasKey(r => new { r.DeploymentName, r.Hour, r.ModelId, r.Shadow });
        builder.Property(r => r.DeploymentName).HasMaxLength(100);
        builder.HasIndex(r => r.Hour);
    }
}
