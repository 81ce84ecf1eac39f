using System.Data.Common;
using DefectApi.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DefectApi.Monitoring;

/// <summary>
/// Appends logged answers in bulk, below EF Core: the writer runs beside the requests on the same cores, so what it
/// spends per row comes out of their throughput. PostgreSQL gets one binary COPY per batch; SQLite one prepared INSERT
/// run per row inside one transaction. Values are written exactly as EF Core stores them (SQLite: a GUID as upper-case
/// text, a time as "yyyy-MM-dd HH:mm:ss.FFFFFFF"; both: UTC to the microsecond, see UtcDateTimeConverter), so EF's
/// queries read them back.
/// </summary>
public static class PredictionLogStore
{
    const string Columns = "\"PredictionId\", \"DeploymentName\", \"ModelId\", \"Shadow\", \"CreatedAt\", \"Input\", \"Output\", \"Score\", \"Label\"";

    public static async Task AppendAsync(DefectDbContext db, IReadOnlyList<LoggedPrediction> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection is NpgsqlConnection postgres) await CopyAsync(postgres, rows, ct);
            else await InsertAsync((SqliteConnection)connection, rows, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<LoggedPrediction> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY \"PredictionLog\" ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(row.PredictionId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(row.DeploymentName, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.ModelId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(row.Shadow, NpgsqlDbType.Boolean, ct);
            await copy.WriteAsync(UtcDateTimeConverter.Stored(row.CreatedAt), NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(row.Input, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(row.Output, NpgsqlDbType.Text, ct);
            if (row.Score is { } score) await copy.WriteAsync(score, NpgsqlDbType.Double, ct);
            else await copy.WriteNullAsync(ct);
            if (row.Label is { } label) await copy.WriteAsync(label, NpgsqlDbType.Varchar, ct);
            else await copy.WriteNullAsync(ct);
        }
        await copy.CompleteAsync(ct);
    }

    static async Task InsertAsync(SqliteConnection connection, IReadOnlyList<LoggedPrediction> rows, CancellationToken ct)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"PredictionLog\" ({Columns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)";
        var parameters = Enumerable.Range(0, 9).Select(i => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            parameters[0].Value = row.PredictionId.ToString().ToUpperInvariant();
            parameters[1].Value = row.DeploymentName;
            parameters[2].Value = row.ModelId.ToString().ToUpperInvariant();
            parameters[3].Value = row.Shadow ? 1 : 0;
            parameters[4].Value = UtcDateTimeConverter.Stored(row.CreatedAt).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            parameters[5].Value = row.Input;
            parameters[6].Value = row.Output;
            parameters[7].Value = (object?)row.Score ?? DBNull.Value;
            parameters[8].Value = (object?)row.Label ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
