using DefectApi.Datasets;
using DefectApi.Models;
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
        builder.Property(m => m.Task).HasMaxLength(16);
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

internal sealed class LoggedPredictionConfiguration : IEntityTypeConfiguration<Monitoring.LoggedPrediction>
{
    public void Configure(EntityTypeBuilder<Monitoring.LoggedPrediction> builder)
    {
        builder.ToTable("PredictionLog");
        builder.Property(p => p.DeploymentName).HasMaxLength(100);
        builder.Property(p => p.Label).HasMaxLength(200);
        // Performance and drift read one deployment's time range; outcomes find predictions by id; retention by age.
        builder.HasIndex(p => new { p.DeploymentName, p.CreatedAt });
        builder.HasIndex(p => p.PredictionId);
        builder.HasIndex(p => p.CreatedAt);
    }
}

internal sealed class PredictionOutcomeConfiguration : IEntityTypeConfiguration<Monitoring.PredictionOutcome>
{
    public void Configure(EntityTypeBuilder<Monitoring.PredictionOutcome> builder)
    {
        builder.HasKey(o => o.PredictionId);
        builder.Property(o => o.DeploymentName).HasMaxLength(100);
        builder.Property(o => o.Actual).HasMaxLength(200);
        builder.HasIndex(o => o.RecordedAt);
    }
}
