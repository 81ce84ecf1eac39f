using DefectApi.Audit;
using DefectApi.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DefectApi.Data;

internal sealed class StoredApiKeyConfiguration : IEntityTypeConfiguration<StoredApiKey>
{
    public void Configure(EntityTypeBuilder<StoredApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasMaxLength(KeyNames.MaxLength);
        builder.Property(k => k.Hash).HasMaxLength(64);
        // Two keys with one hash would be one key with two names.
        builder.HasIndex(k => k.Hash).IsUnique();
    }
}

internal sealed class ApiKeyUseConfiguration : IEntityTypeConfiguration<ApiKeyUse>
{
    public void Configure(EntityTypeBuilder<ApiKeyUse> builder)
    {
        builder.ToTable("ApiKeyUses");
        builder.HasKey(u => u.Name);
        builder.Property(u => u.Name).HasMaxLength(KeyNames.MaxLength);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.Property(a => a.KeyName).HasMaxLength(KeyNames.MaxLength);
        builder.Property(a => a.Action).HasMaxLength(50);
        builder.Property(a => a.Target).HasMaxLength(250);
        builder.Property(a => a.Detail).HasMaxLength(AuditEntry.MaxDetailLength);
        // Read newest first over a time range, or for one target (a deployment's page).
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Target, a.At });
    }
}
