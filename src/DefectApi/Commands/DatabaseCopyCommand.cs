using System.Security.Cryptography;
using DefectApi.Data;
using DefectApi.Datasets;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Commands;

/// <summary><c>dotnet DefectApi.dll copy-database --to "Host=…;Database=…"</c>: copies an SQLite installation (the one
/// <c>ConnectionStrings:Defects</c> names, or <c>--from "Data Source=…"</c>) into an empty PostgreSQL database, in
/// one transaction, and checks the copy: the row count of every table and the SHA-256 of every blob (dataset chunks,
/// model artifacts) read back from PostgreSQL. Run it with the service stopped; then start the replicas with
/// <c>Database:Provider=postgres</c>.</summary>
public sealed class DatabaseCopyCommand : IMaintenanceCommand
{
    public string Name => "copy-database";
    public string Usage => "--to \"Host=…;Database=…;Username=…;Password=…\" [--from \"Data Source=…\"]";
    public IReadOnlyCollection<string> Options { get; } = ["--to", "--from"];
    public IReadOnlyCollection<string> Flags { get; } = [];

    public async Task<int> RunAsync(MaintenanceContext context, CommandArguments arguments, TextWriter output)
    {
        var to = arguments.Required("--to", this);
        var from = DatabaseConnection.ResolveSqliteConnectionString(arguments.Value("--from") ?? context.ConfiguredConnectionString,
            context.Data);
        await using var source = new SqliteDefectDbContext(new DbContextOptionsBuilder<SqliteDefectDbContext>().UseSqlite(from).Options);
        await using var target = new PostgresDefectDbContext(new DbContextOptionsBuilder<PostgresDefectDbContext>().UseNpgsql(to).Options);
        try
        {
            // The source is brought to the current schema the way the service would at its next start.
            await source.Database.MigrateAsync();
            await using (await PostgresSql.AcquireMigrationLockAsync(to, CancellationToken.None))
                await target.Database.MigrateAsync();
            if (await RegistryContents.DescribeAsync(target) is { } held)
            {
                await output.WriteLineAsync($"The target database already holds {held}. Copy into an empty database; nothing was written.");
                return 1;
            }
            await using (var transaction = await target.Database.BeginTransactionAsync())
            {
                await CopyAsync(source, target, output);
                var problems = await VerifyAsync(source, target, output);
                if (problems > 0)
                {
                    await output.WriteLineAsync($"{problems} difference(s) between the copy and the source: rolled back, nothing " +
                        "was written.");
                    return 1;
                }
                await transaction.CommitAsync();
            }
            await output.WriteLineAsync("Copied and verified. Start the service with Database__Provider=postgres and this " +
                "connection string.");
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await output.WriteLineAsync($"The copy failed and nothing was written: {e.GetBaseException().Message}");
            return 1;
        }
    }

    static async Task CopyAsync(DefectDbContext source, DefectDbContext target, TextWriter output)
    {
        // Parents before children, so that every foreign key finds its row. Unfinished uploads are not copied.
        var datasets = await source.Datasets.AsNoTracking().Where(d => d.Status == DatasetStatus.Ready).ToListAsync();
        target.Datasets.AddRange(datasets);
        await SaveAsync(target);
        foreach (var dataset in datasets)
            // One chunk at a time: a dataset may be larger than memory.
            for (var index = 0; index < dataset.ChunkCount; index++)
            {
                target.DatasetChunks.Add(await source.DatasetChunks.AsNoTracking()
                    .SingleAsync(c => c.DatasetId == dataset.Id && c.Index == index));
                await SaveAsync(target);
            }
        target.TrainingJobs.AddRange(await source.TrainingJobs.AsNoTracking().OrderBy(j => j.CreatedAt).ToListAsync());
        await SaveAsync(target);
        foreach (var id in await source.Models.AsNoTracking().OrderBy(m => m.CreatedAt).Select(m => m.Id).ToListAsync())
        {
            target.Models.Add(await source.Models.AsNoTracking().SingleAsync(m => m.Id == id));
            await SaveAsync(target);
        }
        target.Deployments.AddRange(await source.Deployments.AsNoTracking().ToListAsync());
        // The history keeps its order; PostgreSQL numbers the rows anew.
        target.DeploymentHistory.AddRange((await source.DeploymentHistory.AsNoTracking().OrderBy(h => h.Id).ToListAsync())
            .Select(h => new DeploymentHistoryEntry { DeploymentName = h.DeploymentName, ModelId = h.ModelId, DeployedAt = h.DeployedAt }));
        await SaveAsync(target);
        // The prediction log page by page in its (time) order, then its segments, the outcomes and the rollups.
        target.LogSegments.AddRange(await source.LogSegments.AsNoTracking().ToListAsync());
        await SaveAsync(target);
        await Monitoring.PredictionLogStore.CopyAnswersAsync(source, target, CancellationToken.None);
        // PostgreSQL numbers the outcomes anew.
        target.Outcomes.AddRange((await source.Outcomes.AsNoTracking().ToListAsync()).Select(o => { o.Id = 0; return o; }));
        target.Rollups.AddRange(await source.Rollups.AsNoTracking().ToListAsync());
        await SaveAsync(target);
        // The keys (their hashes) keep working; the audit trail keeps its order, PostgreSQL numbering it anew.
        target.ApiKeys.AddRange(await source.ApiKeys.AsNoTracking().ToListAsync());
        target.ApiKeyUses.AddRange(await source.ApiKeyUses.AsNoTracking().ToListAsync());
        target.AuditEntries.AddRange((await source.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync())
            .Select(a => { a.Id = 0; return a; }));
        await SaveAsync(target);
        await output.WriteLineAsync($"Copied {datasets.Count} datasets, their chunks, the training jobs, models, deployments, " +
            "the prediction log, outcomes, rollups, API keys and the audit trail.");
    }

    static async Task SaveAsync(DefectDbContext target)
    {
        await target.SaveChangesAsync();
        target.ChangeTracker.Clear();
    }

    /// <summary>Compares what PostgreSQL now holds with the source: counts, and a SHA-256 of every blob.</summary>
    static async Task<int> VerifyAsync(DefectDbContext source, DefectDbContext target, TextWriter output)
    {
        var problems = 0;
        async Task Compare(string table, int expected, int actual)
        {
            await output.WriteLineAsync($"{table}: {expected} in SQLite, {actual} in PostgreSQL");
            if (expected != actual) problems++;
        }
        await Compare("datasets", await source.Datasets.CountAsync(d => d.Status == DatasetStatus.Ready),
            await target.Datasets.CountAsync());
        await Compare("dataset chunks",
            await source.DatasetChunks.CountAsync(c => source.Datasets.Any(d => d.Id == c.DatasetId && d.Status == DatasetStatus.Ready)),
            await target.DatasetChunks.CountAsync());
        await Compare("training jobs", await source.TrainingJobs.CountAsync(), await target.TrainingJobs.CountAsync());
        await Compare("models", await source.Models.CountAsync(), await target.Models.CountAsync());
        await Compare("deployments", await source.Deployments.CountAsync(), await target.Deployments.CountAsync());
        await Compare("deployment history", await source.DeploymentHistory.CountAsync(), await target.DeploymentHistory.CountAsync());
        await Compare("logged predictions", await source.LoggedAnswers.CountAsync(), await target.LoggedAnswers.CountAsync());
        await Compare("outcomes", await source.Outcomes.CountAsync(), await target.Outcomes.CountAsync());
        await Compare("rollups", await source.Rollups.CountAsync(), await target.Rollups.CountAsync());
        await Compare("API keys", await source.ApiKeys.CountAsync(), await target.ApiKeys.CountAsync());
        await Compare("audit entries", await source.AuditEntries.CountAsync(), await target.AuditEntries.CountAsync());

        var blobs = 0;
        foreach (var chunk in await target.DatasetChunks.AsNoTracking().Select(c => new { c.DatasetId, c.Index }).ToListAsync())
        {
            var copied = await target.DatasetChunks.AsNoTracking()
                .Where(c => c.DatasetId == chunk.DatasetId && c.Index == chunk.Index).Select(c => c.Data).SingleAsync();
            var original = await source.DatasetChunks.AsNoTracking()
                .Where(c => c.DatasetId == chunk.DatasetId && c.Index == chunk.Index).Select(c => c.Data).SingleAsync();
            if (!SHA256.HashData(copied).AsSpan()
                .SequenceEqual(SHA256.HashData(original)))
            {
                problems++; await output.WriteLineAsync($"chunk {chunk.Index} of " +
                    $"dataset {chunk.DatasetId} differs");
            }
            blobs++;
        }
        foreach (var id in await target.Models.AsNoTracking().Select(m => m.Id).ToListAsync())
        {
            var copied = await target.Models.AsNoTracking().Where(m => m.Id == id).Select(m => m.Artifact).SingleAsync();
            var original = await source.Models.AsNoTracking().Where(m => m.Id == id).Select(m => m.Artifact).SingleAsync();
            if (!SHA256.HashData(copied).AsSpan()
                .SequenceEqual(SHA256.HashData(original))) { problems++; await output.WriteLineAsync($"model {id} differs"); }
            blobs++;
        }
        await output.WriteLineAsync($"SHA-256 checked for {blobs} blobs (dataset chunks and model artifacts)");
        return problems;
    }
}
