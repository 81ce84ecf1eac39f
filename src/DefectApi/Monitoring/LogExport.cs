using System.Globalization;
using System.Text;
using DefectApi.Data;
using DefectApi.Tabular.Inference;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <summary>
/// The prediction log as CSV, streamed row by row from the database: the records' columns as sent (every column any
/// of the deployment's records had, in the order first seen), then the answer, the model, the time and the actual
/// where one is known. As a dataset, the answer's columns are left out and the actual takes the model's target's
/// name (and place, where the records carried a column of that name), so the log trains like an upload.
/// </summary>
internal sealed class LogExport(DefectDbContext db, LogSegments segments)
{
    public const string PredictionColumn = "prediction", ModelColumn = "modelId", LoggedAtColumn = "loggedAt", ActualColumn = "actual";

    /// <param name="target">as a dataset: the name the actual column takes; null for the log's own columns</param>
    /// <returns>how many rows were written</returns>
    public async Task<long> WriteAsync(string deployment, DateTime from, DateTime to, bool withOutcomesOnly, string? target, Stream output,
        CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var sql = new MonitoringSql(db.Database.GetDbConnection(), null);
            var ofDeployment = new Dictionary<long, int[]>();
            var columns = new List<string>();
            foreach (var id in await SegmentIdsAsync(sql, deployment, ct))
            {
                var segment = (await segments.GetAsync(sql, id, ct))!;
                ofDeployment[id] = LogSegments.ColumnsOf(segment).Select(c => Position(columns, c)).ToArray();
            }
            int actualAt = target is null ? -1 : columns.IndexOf(target);
            var header = new List<string>(columns);
            if (target is null) header.AddRange([PredictionColumn, ModelColumn, LoggedAtColumn, ActualColumn]);
            else if (actualAt < 0) header.Add(target);

            await using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var line = new LogLineWriter();
            foreach (var name in header) line.Text(name);
            await WriteLineAsync(text, line);
            if (ofDeployment.Count == 0) return 0;

            await using var command = sql.Command("");
            command.CommandText = "SELECT a.\"PredictionId\", a.\"SegmentId\", a.\"Line\", a.\"Score\", a.\"Label\", o.\"Actual\" " +
                "FROM \"LoggedAnswers\" a " + (withOutcomesOnly ? "JOIN" : "LEFT JOIN") +
                " \"LoggedOutcomes\" o ON o.\"PredictionId\" = a.\"PredictionId\" AND o.\"Joined\" " +
                $"WHERE a.\"PredictionId\" >= @from AND a.\"PredictionId\" < @to AND a.\"SegmentId\" IN " +
                $"({MonitoringSql.InList(command, "s", ofDeployment.Keys.Cast<object>().ToArray())}) " +
                "ORDER BY a.\"PredictionId\"";
            MonitoringSql.Add(command, "@from", PredictionIds.LowerBound(from));
            MonitoringSql.Add(command, "@to", PredictionIds.LowerBound(to));
            var models = new Dictionary<long, Guid>();
            foreach (var id in ofDeployment.Keys) models[id] = (await segments.GetAsync(sql, id, ct))!.ModelId;
            var fields = new List<string?>();
            var row = new string?[columns.Count];
            long rows = 0;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = (byte[])reader[0];
                long segment = reader.GetInt64(1);
                LogLineReader.Split(reader.GetString(2), fields);
                Array.Clear(row);
                var at = ofDeployment[segment];
                for (int i = 0; i < at.Length && i < fields.Count; i++) row[at[i]] = fields[i];
                string? actual = reader.IsDBNull(5) ? null : reader.GetString(5);
                line.Clear();
                for (int c = 0; c < row.Length; c++) Field(line, c == actualAt ? actual : row[c]);
                if (target is null)
                {
                    Field(line, reader.IsDBNull(4)
                        ? reader.IsDBNull(3) ? null : reader.GetDouble(3).ToString("R", CultureInfo.InvariantCulture)
                        : reader.GetString(4));
                    line.Text(models[segment].ToString());
                    line.Text(PredictionIds.Time(id).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    Field(line, actual);
                }
                else if (actualAt < 0) Field(line, actual);
                await WriteLineAsync(text, line);
                rows++;
            }
            await text.FlushAsync(ct);
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<List<long>> SegmentIdsAsync(MonitoringSql sql, string deployment, CancellationToken ct)
    {
        var ids = new List<long>();
        await using var command = sql.Command("SELECT \"Id\" FROM \"LogSegments\" WHERE \"DeploymentName\" = @d ORDER BY \"Id\"",
            ("@d", deployment));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    static int Position(List<string> columns, string name)
    {
        int at = columns.IndexOf(name);
        if (at >= 0) return at;
        columns.Add(name);
        return columns.Count - 1;
    }

    static void Field(LogLineWriter line, string? value)
    {
        if (value is null) line.Empty();
        else line.Text(value);
    }

    static async Task WriteLineAsync(StreamWriter text, LogLineWriter line)
    {
        await text.WriteAsync(Encoding.UTF8.GetString(line.Written));
        await text.WriteAsync('\n');
        line.Clear();
    }
}
