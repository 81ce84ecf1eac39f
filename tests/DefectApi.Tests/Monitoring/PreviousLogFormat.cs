using DefectApi.Tabular.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DefectApi.Tests.Monitoring;

/// <summary>A database as the version before the compact log left it: migrated up to the PredictionLog migration and
/// no further, holding rows in that version's format (one log row per model answer with its record as JSON, a shadow's
/// answer in a row of its own, outcomes keyed by prediction id). Written with SQL of that schema, not through today's
/// entities, which describe the new one.</summary>
public sealed class PreviousLogFormat : IAsyncDisposable
{
    readonly DefectDbContext _db;

    PreviousLogFormat(DefectDbContext db) => _db = db;

    public static async Task<PreviousLogFormat> CreateAsync(DatabaseProvider provider, string connectionString)
    {
        DefectDbContext db = provider == DatabaseProvider.Sqlite
            ? new SqliteDefectDbContext(new DbContextOptionsBuilder<SqliteDefectDbContext>().UseSqlite(connectionString).Options)
            : new PostgresDefectDbContext(new DbContextOptionsBuilder<PostgresDefectDbContext>().UseNpgsql(connectionString).Options);
        var lastMigration = provider == DatabaseProvider.Sqlite ? "20261130042944_PredictionLog" : "20261130042953_PredictionLog";
        await db.GetService<IMigrator>().MigrateAsync(lastMigration);
        return new PreviousLogFormat(db);
    }

    public async Task AddModelAsync(Model m) => await _db.Database.ExecuteSqlAsync($"""
        INSERT INTO "Models" ("Id", "Name", "Version", "Task", "Target", "DatasetId", "JobId", "CreatedAt", "HistoryJson",
            "Artifact", "Revision")
        VALUES ({m.Id}, {m.Name}, {m.Version}, {m.Task.WireName()}, {m.Target}, {m.DatasetId}, {m.JobId}, {m.CreatedAt},
            {m.HistoryJson}, {m.Artifact}, {m.Revision})
        """);

    public async Task AddDeploymentAsync(string name, Guid modelId, Guid? shadowModelId, DateTime at) =>
        await _db.Database.ExecuteSqlAsync($"""
        INSERT INTO "Deployments" ("Name", "ModelId", "ShadowModelId", "UpdatedAt") VALUES ({name}, {modelId}, {shadowModelId}, {at})
        """);

    /// <summary>One model's answer as the previous writer logged it: the record as sent, the answer as JSON, its score and label.</summary>
    public async Task AddAnswerAsync(Guid predictionId, string deployment, Guid modelId, bool shadow, DateTime at,
        string recordJson, JsonElement answer)
    {
        double? score = answer.GetProperty("probability").GetDouble();
        string? label = answer.GetProperty("label").GetString();
        string output = answer.GetRawText();
        await _db.Database.ExecuteSqlAsync($"""
            INSERT INTO "PredictionLog" ("PredictionId", "DeploymentName", "ModelId", "Shadow", "CreatedAt", "Input", "Output",
                "Score", "Label")
            VALUES ({predictionId}, {deployment}, {modelId}, {shadow}, {at}, {recordJson}, {output}, {score}, {label})
            """);
    }

    public async Task AddOutcomeAsync(Guid predictionId, string deployment, string actual, DateTime at) =>
        await _db.Database.ExecuteSqlAsync($"""
        INSERT INTO "Outcomes" ("PredictionId", "DeploymentName", "Actual", "RecordedAt") VALUES ({predictionId}, {deployment},
            {actual}, {at})
        """);

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
